/// Element-wise kernels on raw buffers: SIMD loops, split across the thread pool when large.
/// Generic over the function type so each use is specialised and inlined.
public enum Kernels {
    public typealias Vector = SIMD8<Float>

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Vector { UnsafeRawPointer(p).loadUnaligned(as: Vector.self) }
    @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }
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

    // Each kernel calls its function from one place in its loop, the partial last vector
    // included (read from and written to zero-padded scratch): the optimiser stops inlining a
    // large function (exp, sigmoid) after the first copy, and an out-of-line call per vector
    // costs as much as the function itself.

    /// Copies the `rest` < 8 trailing elements of each input into scratch slots 0, 8, 16.
    @inline(never)
    static func fillScratch(
        _ s: UnsafeMutablePointer<Float>, _ rest: Int,
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>
    ) {
        for j in 0..<8 {
            s[j] = j < rest ? a[j] : 0
            s[8 + j] = j < rest ? b[j] : 0
            s[16 + j] = j < rest ? c[j] : 0
        }
    }

    @inline(__always)
    static func withScratch(_ body: (UnsafeMutablePointer<Float>) -> Void) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 32) { body($0.baseAddress!) }
    }

    /// out[i] = f(x[i]); `out` may alias `x`.
    static func map<F: UnaryFunction>(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int, _ f: F) {
        parallelFor(n) { range in
            withScratch { s in
                var i = range.lowerBound
                while i < range.upperBound {
                    let rest = range.upperBound - i
                    let full = rest >= 8
                    if !full { fillScratch(s, rest, x + i, x + i, x + i) }
                    store(f(load(full ? x + i : UnsafePointer(s))), full ? out + i : s + 24)
                    if !full { (out + i).update(from: s + 24, count: rest) }
                    i += 8
                }
            }
        }
    }

    /// out[i] = f(a[i], b[i]); `out` may alias either input.
    static func zip<F: BinaryFunction>(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
        _ out: UnsafeMutablePointer<Float>, _ n: Int, _ f: F
    ) {
        parallelFor(n) { range in
            withScratch { s in
                var i = range.lowerBound
                while i < range.upperBound {
                    let rest = range.upperBound - i
                    let full = rest >= 8
                    if !full { fillScratch(s, rest, a + i, b + i, b + i) }
                    let y = f(load(full ? a + i : UnsafePointer(s)), load(full ? b + i : UnsafePointer(s + 8)))
                    store(y, full ? out + i : s + 24)
                    if !full { (out + i).update(from: s + 24, count: rest) }
                    i += 8
                }
            }
        }
    }

    /// out[i] = f(a[i], b) for a scalar b broadcast to all lanes (or f(b, a[i]) with `scalarFirst`).
    static func zip<F: BinaryFunction>(
        _ a: UnsafePointer<Float>, scalar b: Float, scalarFirst: Bool,
        _ out: UnsafeMutablePointer<Float>, _ n: Int, _ f: F
    ) {
        let vb = Vector(repeating: b)
        parallelFor(n) { range in
            withScratch { s in
                var i = range.lowerBound
                while i < range.upperBound {
                    let rest = range.upperBound - i
                    let full = rest >= 8
                    if !full { fillScratch(s, rest, a + i, a + i, a + i) }
                    let va = load(full ? a + i : UnsafePointer(s))
                    store(f(scalarFirst ? vb : va, scalarFirst ? va : vb), full ? out + i : s + 24)
                    if !full { (out + i).update(from: s + 24, count: rest) }
                    i += 8
                }
            }
        }
    }

    /// out[i] = f(a[i], b[i], c[i]); `out` may alias any input.
    static func zip3<F: TernaryFunction>(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
        _ out: UnsafeMutablePointer<Float>, _ n: Int, _ f: F
    ) {
        parallelFor(n) { range in
            withScratch { s in
                var i = range.lowerBound
                while i < range.upperBound {
                    let rest = range.upperBound - i
                    let full = rest >= 8
                    if !full { fillScratch(s, rest, a + i, b + i, c + i) }
                    let y = f(
                        load(full ? a + i : UnsafePointer(s)), load(full ? b + i : UnsafePointer(s + 8)),
                        load(full ? c + i : UnsafePointer(s + 16)))
                    store(y, full ? out + i : s + 24)
                    if !full { (out + i).update(from: s + 24, count: rest) }
                    i += 8
                }
            }
        }
    }

    /// y = e^x over n floats (public entry points for callers outside the module).
    public static func exp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { map(x, y, n, Fn.Exp()) }
    /// y = tanh(x) over n floats.
    public static func tanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { map(x, y, n, Fn.Tanh()) }
    /// y = σ(x) over n floats.
    public static func sigmoid(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        map(x, y, n, Fn.Sigmoid())
    }
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
        var acc0 = Vector()
        var acc1 = Vector()
        var i = 0
        while i + 16 <= n {
            acc0 += load(x + i)
            acc1 += load(x + i + 8)
            i += 16
        }
        var total = Double((acc0 + acc1).sum())
        while i < n {
            total += Double(x[i])
            i += 1
        }
        return Float(total)
    }

    /// Σ a[i]·b[i].
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = Vector()
        var i = 0
        while i + 8 <= n {
            acc = acc.addingProduct(load(a + i), load(b + i))
            i += 8
        }
        var total = acc.sum()
        while i < n {
            total += a[i] * b[i]
            i += 1
        }
        return total
    }

    /// Σ x[i]² in Double: blocks of 32,768 floats summed with four vector accumulators on
    /// every core, the blocks' sums added in order, so the result does not depend on the number
    /// of threads (gradient clipping's norm over millions of values).
    public static func sumOfSquares(_ x: UnsafePointer<Float>, _ n: Int) -> Double {
        let block = 32_768
        let blocks = (n + block - 1) / block
        guard blocks > 1 else { return blockSumOfSquares(x, n) }
        var sums = [Double](repeating: 0, count: blocks)
        sums.withUnsafeMutableBufferPointer { sums in
            let chunks = Swift.min(blocks, 4 * Parallel.threadCount)
            // Below eight blocks (a small GPT's weights) the pool's start costs more than it saves;
            // the sum is the same either way (blocks added in order).
            Parallel.forEach(chunks: chunks, serial: blocks < 8) { chunk in
                for b in Parallel.range(of: chunk, chunks: chunks, count: blocks) {
                    sums[b] = blockSumOfSquares(x + b * block, Swift.min(block, n - b * block))
                }
            }
        }
        return sums.reduce(0, +)
    }

    private static func blockSumOfSquares(_ x: UnsafePointer<Float>, _ n: Int) -> Double {
        var a0 = Vector()
        var a1 = Vector()
        var a2 = Vector()
        var a3 = Vector()
        var i = 0
        while i + 32 <= n {
            let v0 = load(x + i)
            let v1 = load(x + i + 8)
            let v2 = load(x + i + 16)
            let v3 = load(x + i + 24)
            a0.addProduct(v0, v0)
            a1.addProduct(v1, v1)
            a2.addProduct(v2, v2)
            a3.addProduct(v3, v3)
            i += 32
        }
        var total = Double(((a0 + a1) + (a2 + a3)).sum())
        while i < n {
            total += Double(x[i] * x[i])
            i += 1
        }
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
