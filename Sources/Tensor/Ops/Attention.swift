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
        let probs = TensorStorage(uninitializedCount: pairs * l * l)
        var dropMask: TensorStorage?
        if training && p > 0 {
            let keep = TensorStorage(uninitializedCount: pairs * l * l)
            generator.fillMask(keep.pointer, count: pairs * l * l, p: 1 - p, value: p == 1 ? 0 : 1 / (1 - p))
            dropMask = keep
        }
        let out = TensorStorage(uninitializedCount: l * ldOut)
        let (x, y, pp, dp, mp) = (qkv.pointer, out.pointer, probs.pointer, dropMask?.pointer, mask?.pointer)

        /// Offsets of pair `b`'s (batch column b / heads, head b % heads) query columns in qkv and
        /// of its output columns; its keys and values are E and 2E further.
        func columns(_ b: Int) -> (qkv: Int, out: Int) {
            ((b / heads) * 3 * e + (b % heads) * d, (b / heads) * e + (b % heads) * d)
        }
        let chunks = Swift.min(pairs, Parallel.threadCount)
        BLAS.setThreads(1)
        Parallel.forEach(chunks: chunks) { chunk in
            let weights = dp == nil ? nil : UnsafeMutablePointer<Float>.allocate(capacity: l * l)
            defer { weights?.deallocate() }
            for b in Parallel.range(of: chunk, chunks: chunks, count: pairs) {
                let (at, offset) = columns(b)
                let (q, k, v, pb) = (x + at, x + at + e, x + at + 2 * e, pp + b * l * l)
                BLAS.sgemmAsConfigured(
                    transA: false, transB: true, m: l, n: l, k: d, alpha: scale,
                    q, lda: ld, k, ldb: ld, pb)
                for i in 0..<l {
                    let row = pb + i * l
                    if let mp { for j in 0..<l { row[j] += mp[i * l + j] } }
                    let shift = Kernels.max(row, l).finiteOrZero
                    let total = Tensor.expShiftedRow(row, row, columns: l, shift: shift)
                    Kernels.scale(row, by: Float(1 / total), l)
                }
                var w = UnsafePointer(pb)
                if let weights, let dp {
                    for i in 0..<(l * l) { weights[i] = pb[i] * dp[b * l * l + i] }
                    w = UnsafePointer(weights)
                }
                BLAS.sgemmAsConfigured(
                    transA: false, transB: false, m: l, n: d, k: l, w, lda: l, v, ldb: ld,
                    y + offset, ldc: ldOut)
            }
        }
        return .result("self_attention", shape: [l, n, e], storage: out, inputs: [qkv]) { g in
            let gqkv = Tensor(uninitializedShape: qkv.shape)
            // Read through the storages so that the closure keeps them alive.
            let (gp, gx, x, pp, dp) = (g.pointer, gqkv.pointer, qkv.pointer, probs.pointer, dropMask?.pointer)
            BLAS.setThreads(1)
            Parallel.forEach(chunks: chunks) { chunk in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 2 * l * l)
                defer { scratch.deallocate() }
                let (weights, gs) = (scratch, scratch + l * l)
                for b in Parallel.range(of: chunk, chunks: chunks, count: pairs) {
                    let (at, offset) = columns(b)
                    let (q, k, pb, gOut) = (x + at, x + at + e, pp + b * l * l, gp + offset)
                    let (v, gq, gk, gv) = (x + at + 2 * e, gx + at, gx + at + e, gx + at + 2 * e)
                    if let dp {
                        for i in 0..<(l * l) { weights[i] = pb[i] * dp[b * l * l + i] }
                    } else {
                        weights.update(from: pb, count: l * l)
                    }
                    // dW = dO Vᵀ and dV = Wᵀ dO.
                    BLAS.sgemmAsConfigured(transA: false, transB: true, m: l, n: l, k: d, gOut, lda: ldOut, v, ldb: ld, gs)
                    BLAS.sgemmAsConfigured(
                        transA: true, transB: false, m: l, n: d, k: l, weights, lda: l,
                        gOut, ldb: ldOut, gv, ldc: ld)
                    for i in 0..<l {
                        let row = gs + i * l
                        let prob = pb + i * l
                        if let dp { for j in 0..<l { row[j] *= dp[b * l * l + i * l + j] } }
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
