import Foundation

extension Tensor {
    /// Multi-head scaled dot-product self-attention, fused, on the projections as one product
    /// writes them: `qkv` [L, N, 3E] holds Q, K and V side by side in its last axis, head h of
    /// batch column n using columns h·d ..< (h+1)·d of each (d = E / heads). Returns [L, N, E]:
    ///
    ///     P = softmax(Q_h K_hᵀ / √d + mask)        mask [L, L], additive, constant
    ///     out_h = (P ⊙ D) V_h                       D: the inverted-dropout mask, drawn for
    ///                                               [N·heads, L, L] in that order when training
    ///
    /// Composed from generic ops this took a split, four permutes and copies, a scale, a mask
    /// add, a softmax, a dropout and batched products of 35 × 35 × 100 each with its backward;
    /// here each (column, head) pair multiplies in place with strided BLAS calls, pairs spread
    /// over the cores. Backward: dV = Wᵀ dO, dP = (dO Vᵀ) ⊙ D, dS = P ⊙ (dP − rowsum(P ⊙ dP)),
    /// dQ = dS K / √d, dK = dSᵀ Q / √d.
    public static func selfAttention(
        qkv: Tensor, heads: Int, mask: Tensor? = nil, dropout p: Float = 0,
        training: Bool = false, generator: RandomGenerator = .global
    ) -> Tensor {
        precondition(
            qkv.rank == 3 && qkv.shape[2] % 3 == 0 && heads > 0 && (qkv.shape[2] / 3) % heads == 0,
            "selfAttention: qkv \(qkv.shape) is not [L, N, 3E] with E a multiple of \(heads) heads")
        precondition(p >= 0 && p <= 1, "selfAttention: dropout probability \(p) outside [0, 1]")
        let (l, n, e) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
        if let mask {
            precondition(mask.shape == [l, l], "selfAttention: mask \(mask.shape) is not [\(l), \(l)]")
            precondition(!mask.requiresGrad, "selfAttention: the mask is a constant; it cannot require a gradient")
        }
        let d = e / heads
        let pairs = n * heads
        let ld = n * 3 * e
        let ldOut = n * e
        let scale = 1 / Float(d).squareRoot()
        // Kept for backward: each row's log-sum-exp (P is recomputed from Q, K and it) and the
        // dropout mask as bits, not the [pairs, L, L] probabilities and Float mask.
        let logSumExp = TensorStorage(uninitializedCount: pairs * l)
        let keep = training && p > 0 ? KeepBits(count: pairs * l * l, keep: 1 - p, generator: generator) : nil
        let dropScale: Float = p == 1 ? 0 : 1 / (1 - p)
        let out = TensorStorage(uninitializedCount: l * ldOut)
        let (x, y, lse, mp) = (qkv.pointer, out.pointer, logSumExp.pointer, mask?.pointer)

        /// Offsets of pair `b`'s (batch column b / heads, head b % heads) query columns in qkv and
        /// of its output columns; its keys and values are E and 2E further.
        func columns(_ b: Int) -> (qkv: Int, out: Int) {
            ((b / heads) * 3 * e + (b % heads) * d, (b / heads) * e + (b % heads) * d)
        }
        /// Pair `b`'s scores scale · Q Kᵀ + mask into `scores` [L, L].
        func scores(_ b: Int, into scores: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>) {
            let at = columns(b).qkv
            BLAS.sgemmAsConfigured(
                transA: false, transB: true, m: l, n: l, k: d, alpha: scale, x + at, lda: ld, x + at + e, ldb: ld, scores)
            if let mp { for i in 0..<(l * l) { scores[i] += mp[i] } }
        }
        let chunks = Swift.min(pairs, Parallel.threadCount)
        BLAS.setThreads(1)
        Parallel.forEach(chunks: chunks) { chunk in
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 2 * l * l)
            defer { scratch.deallocate() }
            let (pb, weights) = (scratch, scratch + l * l)
            for b in Parallel.range(of: chunk, chunks: chunks, count: pairs) {
                let (at, offset) = columns(b)
                scores(b, into: pb, x)
                for i in 0..<l {
                    let row = pb + i * l
                    let shift = Kernels.max(row, l).finiteOrZero
                    let total = Tensor.expShiftedRow(row, row, columns: l, shift: shift)
                    Kernels.scale(row, by: Float(1 / total), l)
                    lse[b * l + i] = shift + Float(Foundation.log(total))
                }
                var w = UnsafePointer(pb)
                if let keep {
                    keep.apply(pb, weights, start: b * l * l, count: l * l, scale: dropScale)
                    w = UnsafePointer(weights)
                }
                BLAS.sgemmAsConfigured(
                    transA: false, transB: false, m: l, n: d, k: l, w, lda: l, x + at + 2 * e, ldb: ld,
                    y + offset, ldc: ldOut)
            }
        }
        return .result("self_attention", shape: [l, n, e], storage: out, inputs: [qkv]) { g in
            let gqkv = Tensor(uninitializedShape: qkv.shape)
            // Read through the storages so that the closure keeps them alive.
            let (gp, gx, x, lse) = (g.pointer, gqkv.pointer, qkv.pointer, logSumExp.pointer)
            BLAS.setThreads(1)
            Parallel.forEach(chunks: chunks) { chunk in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 3 * l * l)
                defer { scratch.deallocate() }
                let (pb, weights, gs) = (scratch, scratch + l * l, scratch + 2 * l * l)
                for b in Parallel.range(of: chunk, chunks: chunks, count: pairs) {
                    let (at, offset) = columns(b)
                    let (q, k, gOut) = (x + at, x + at + e, gp + offset)
                    let (v, gq, gk, gv) = (x + at + 2 * e, gx + at, gx + at + e, gx + at + 2 * e)
                    // P = exp(S − logsumexp), as forward had it.
                    scores(b, into: pb, x)
                    for i in 0..<l {
                        let row = pb + i * l
                        _ = Tensor.expShiftedRow(row, row, columns: l, shift: lse[b * l + i])
                    }
                    if let keep {
                        keep.apply(pb, weights, start: b * l * l, count: l * l, scale: dropScale)
                    } else {
                        weights.update(from: pb, count: l * l)
                    }
                    // dW = dO Vᵀ and dV = Wᵀ dO.
                    BLAS.sgemmAsConfigured(transA: false, transB: true, m: l, n: l, k: d, gOut, lda: ldOut, v, ldb: ld, gs)
                    BLAS.sgemmAsConfigured(
                        transA: true, transB: false, m: l, n: d, k: l, weights, lda: l,
                        gOut, ldb: ldOut, gv, ldc: ld)
                    if let keep { keep.apply(gs, gs, start: b * l * l, count: l * l, scale: dropScale) }
                    for i in 0..<l {
                        let row = gs + i * l
                        let prob = pb + i * l
                        var dot: Float = 0
                        for j in 0..<l { dot += row[j] * prob[j] }
                        for j in 0..<l { row[j] = prob[j] * (row[j] - dot) }
                    }
                    BLAS.sgemmAsConfigured(
                        transA: false, transB: false, m: l, n: d, k: l, alpha: scale,
                        gs, lda: l, k, ldb: ld, gq, ldc: ld)
                    BLAS.sgemmAsConfigured(
                        transA: true, transB: false, m: l, n: d, k: l, alpha: scale,
                        gs, lda: l, q, ldb: ld, gk, ldc: ld)
                }
            }
            return [gqkv]
        }
    }
}
