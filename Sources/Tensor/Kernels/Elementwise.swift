/// Element-wise kernels on raw buffers: SIMD loops, split across the thread pool when large.
/// Generic over the function type so each use is specialised and inlined.
public enum Kernels {
    public typealias Vector = SIMD8<Float>

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Vector { UnsafeRawPointer(p).loadUnaligned(as: Vector.self) }
    @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self) }
    /// The last `n` < 8 elements, zero-padded.
    @inline(__always)
    static func loadTail(_ p: UnsafePointer<Float>, _ n: Int) -> Vector {
        var v = Vector()
        for j in 0..<n { v[j] = p[j] }
        return v
    }
    @inline(__always)
    static func storeTail(_ v: Vector, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
        for j in 0..<n { p[j] = v[j] }
    }

    /// out[i] = f(x[i]); `out` may alias `x`.
    static func map<F: UnaryFunction>(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int, _ f: F) {
        parallelFor(n) { range in
            var i = range.lowerBound
            // Two independent vectors per iteration give the long polynomial chains room to overlap.
            while i + 16 <= range.upperBound {
                let (a, b) = (f(load(x + i)), f(load(x + i + 8)))
                store(a, out + i); store(b, out + i + 8)
                i += 16
            }
            while i + 8 <= range.upperBound { store(f(load(x + i)), out + i); i += 8 }
            if i < range.upperBound { storeTail(f(loadTail(x + i, range.upperBound - i)), out + i, range.upperBound - i) }
        }
    }

    /// out[i] = f(a[i], b[i]); `out` may alias either input.
    static func zip<F: BinaryFunction>(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                       _ out: UnsafeMutablePointer<Float>, _ n: Int, _ f: F) {
        parallelFor(n) { range in
            var i = range.lowerBound
            while i + 8 <= range.upperBound { store(f(load(a + i), load(b + i)), out + i); i += 8 }
            let rest = range.upperBound - i
            if rest > 0 { storeTail(f(loadTail(a + i, rest), loadTail(b + i, rest)), out + i, rest) }
        }
    }

    /// out[i] = f(a[i], b) for a scalar b broadcast to all lanes (or f(b, a[i]) with `scalarFirst`).
    static func zip<F: BinaryFunction>(_ a: UnsafePointer<Float>, scalar b: Float, scalarFirst: Bool,
                                       _ out: UnsafeMutablePointer<Float>, _ n: Int, _ f: F) {
        let vb = Vector(repeating: b)
        parallelFor(n) { range in
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                store(scalarFirst ? f(vb, load(a + i)) : f(load(a + i), vb), out + i); i += 8
            }
            let rest = range.upperBound - i
            if rest > 0 {
                let va = loadTail(a + i, rest)
                storeTail(scalarFirst ? f(vb, va) : f(va, vb), out + i, rest)
            }
        }
    }

    /// out[i] = f(a[i], b[i], c[i]); `out` may alias any input.
    static func zip3<F: TernaryFunction>(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
                                         _ out: UnsafeMutablePointer<Float>, _ n: Int, _ f: F) {
        parallelFor(n) { range in
            var i = range.lowerBound
            while i + 8 <= range.upperBound { store(f(load(a + i), load(b + i), load(c + i)), out + i); i += 8 }
            let rest = range.upperBound - i
            if rest > 0 {
                storeTail(f(loadTail(a + i, rest), loadTail(b + i, rest), loadTail(c + i, rest)), out + i, rest)
            }
        }
    }

    /// y = e^x over n floats (public entry points for callers outside the module).
    public static func exp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { map(x, y, n, Fn.Exp()) }
    /// y = tanh(x) over n floats.
    public static func tanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { map(x, y, n, Fn.Tanh()) }
    /// y = σ(x) over n floats.
    public static func sigmoid(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { map(x, y, n, Fn.Sigmoid()) }
    /// out = a + b over n floats.
    public static func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int) {
        zip(a, b, out, n, Fn.Add())
    }
    /// y[i] += alpha · x[i].
    public static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        zip(x, y, y, n, Fn.Axpy(alpha: alpha))
    }
    /// x[i] *= s.
    public static func scale(_ x: UnsafeMutablePointer<Float>, by s: Float, _ n: Int) { map(x, x, n, Fn.MulScalar(s: s)) }

    /// Σ x[i], accumulated in eight Float lanes then in Double.
    public static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc0 = Vector(), acc1 = Vector()
        var i = 0
        while i + 16 <= n { acc0 += load(x + i); acc1 += load(x + i + 8); i += 16 }
        var total = Double((acc0 + acc1).sum())
        while i < n { total += Double(x[i]); i += 1 }
        return Float(total)
    }

    /// Σ a[i]·b[i].
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = Vector()
        var i = 0
        while i + 8 <= n { acc = acc.addingProduct(load(a + i), load(b + i)); i += 8 }
        var total = acc.sum()
        while i < n { total += a[i] * b[i]; i += 1 }
        return total
    }

    /// max x[i]; NaN if any element is NaN, -inf for n = 0.
    public static func max(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var best = Vector(repeating: -.infinity)
        var nan = SIMDMask<SIMD8<Int32>>()
        var i = 0
        while i + 8 <= n {
            let v = load(x + i)
            nan .|= v .!= v
            best.replace(with: v, where: v .> best)
            i += 8
        }
        if any(nan) { return .nan }
        var result = best.max()
        while i < n {
            if x[i].isNaN { return .nan }
            if x[i] > result { result = x[i] }
            i += 1
        }
        return result
    }
}
