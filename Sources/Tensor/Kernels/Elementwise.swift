/// Element-wise kernels on raw buffers: SIMD loops, split across the thread pool when large.
public enum Kernels {
    public typealias Vector = SIMD8<Float>

    /// out[i] = f(x[i]), eight lanes at a time; `out` may alias `x`.
    @inline(__always)
    public static func map(
        _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int,
        _ f: (Vector) -> Vector
    ) {
        parallelFor(n) { range in
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                UnsafeMutableRawPointer(out + i).storeBytes(
                    of: f(UnsafeRawPointer(x + i).loadUnaligned(as: Vector.self)), as: Vector.self)
                i += 8
            }
            if i < range.upperBound {
                var tail = Vector()
                for j in i..<range.upperBound { tail[j - i] = x[j] }
                let y = f(tail)
                for j in i..<range.upperBound { out[j] = y[j - i] }
            }
        }
    }

    /// out[i] = f(a[i], b[i]); `out` may alias either input.
    @inline(__always)
    public static func zip(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
        _ n: Int, _ f: (Vector, Vector) -> Vector
    ) {
        parallelFor(n) { range in
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let va = UnsafeRawPointer(a + i).loadUnaligned(as: Vector.self)
                let vb = UnsafeRawPointer(b + i).loadUnaligned(as: Vector.self)
                UnsafeMutableRawPointer(out + i).storeBytes(of: f(va, vb), as: Vector.self)
                i += 8
            }
            if i < range.upperBound {
                var ta = Vector(), tb = Vector()
                for j in i..<range.upperBound { ta[j - i] = a[j]; tb[j - i] = b[j] }
                let y = f(ta, tb)
                for j in i..<range.upperBound { out[j] = y[j - i] }
            }
        }
    }

    /// out[i] = f(a[i], b[i], c[i]); `out` may alias any input.
    @inline(__always)
    public static func zip3(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
        _ out: UnsafeMutablePointer<Float>, _ n: Int, _ f: (Vector, Vector, Vector) -> Vector
    ) {
        parallelFor(n) { range in
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let va = UnsafeRawPointer(a + i).loadUnaligned(as: Vector.self)
                let vb = UnsafeRawPointer(b + i).loadUnaligned(as: Vector.self)
                let vc = UnsafeRawPointer(c + i).loadUnaligned(as: Vector.self)
                UnsafeMutableRawPointer(out + i).storeBytes(of: f(va, vb, vc), as: Vector.self)
                i += 8
            }
            if i < range.upperBound {
                var ta = Vector(), tb = Vector(), tc = Vector()
                for j in i..<range.upperBound { ta[j - i] = a[j]; tb[j - i] = b[j]; tc[j - i] = c[j] }
                let y = f(ta, tb, tc)
                for j in i..<range.upperBound { out[j] = y[j - i] }
            }
        }
    }

    public static func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int) {
        zip(a, b, out, n, +)
    }

    /// Σ x[i], accumulated in eight Float lanes then in Double.
    public static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = Vector()
        var i = 0
        while i + 8 <= n {
            acc += UnsafeRawPointer(x + i).loadUnaligned(as: Vector.self)
            i += 8
        }
        var total = Double(acc.sum())
        while i < n { total += Double(x[i]); i += 1 }
        return Float(total)
    }

    /// max x[i] (NaN if any element is NaN, -inf for an empty range).
    public static func max(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var best = -Float.infinity
        for i in 0..<n {
            let v = x[i]
            if v > best || v.isNaN { best = v; if v.isNaN { return v } }
        }
        return best
    }

    /// y[i] += alpha · x[i].
    public static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        let va = Vector(repeating: alpha)
        zip(x, y, y, n) { x, y in y.addingProduct(va, x) }
    }
}
