/// Helpers shared by the fused recurrent sequence ops: SIMD loops over the hidden axis of one
/// step's [batch, width] rows, with a zero-padded tail when the width is not a multiple of 8.
enum RowLoop {
    typealias V = SIMD8<Float>

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ n: Int) -> V { n == 8 ? Kernels.load(p) : Kernels.loadTail(p, n) }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
        if n == 8 { Kernels.store(v, p) } else { Kernels.storeTail(v, p, n) }
    }

    /// Calls `body(row, column, lanes)` for every block of up to 8 columns of `rows` × `width`.
    @inline(__always)
    static func forEach(rows: Int, width: Int, _ body: (Int, Int, Int) -> Void) {
        for r in 0..<rows {
            var j = 0
            while j < width { body(r, j, Swift.min(8, width - j)); j += 8 }
        }
    }

    /// Gradient of Σ_t op(dRowsᵀ)·prev over a sequence where the previous state of step 0 is
    /// `first` and that of step t > 0 is row block t - 1 of `states`: dW [gates, hidden].
    static func recurrentWeightGradient(_ d: UnsafePointer<Float>, gates: Int, first: UnsafePointer<Float>,
                                        states: UnsafePointer<Float>, steps: Int, batch: Int, hidden: Int) -> Tensor {
        let gw = Tensor(uninitializedShape: [gates, hidden])
        BLAS.sgemm(transA: true, transB: false, m: gates, n: hidden, k: batch, d, first, gw.pointer)
        if steps > 1 {
            BLAS.sgemm(transA: true, transB: false, m: gates, n: hidden, k: (steps - 1) * batch,
                       d + batch * gates, states, beta: 1, gw.pointer)
        }
        return gw
    }
}
