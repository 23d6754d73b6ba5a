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
        // A causal mask is not added but skipped: rows go in blocks that multiply only the keys
        // up to the block's last row (at L = 256 in blocks of 32, 56 % of the products and exps).
        let causal = mask.map(isCausalMask) ?? false
        let rowBlock = causal ? (l <= 128 ? 16 : 32) : l
        let blocks = stride(from: 0, to: l, by: rowBlock).map { $0..<Swift.min($0 + rowBlock, l) }
        /// Columns of row i that have a score; the rest of its block's columns hold zeros.
        func scored(_ i: Int) -> Int { causal ? i + 1 : l }
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
        /// Pair `b`'s scores scale · Q Kᵀ (+ mask) for `rows` and their first `width` keys, into
        /// those places of `scores` [L, L].
        func scores(_ b: Int, rows: Range<Int>, width: Int, into scores: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>) {
            let at = columns(b).qkv
            BLAS.sgemmAsConfigured(
                transA: false, transB: true, m: rows.count, n: width, k: d, alpha: scale, x + at + rows.lowerBound * ld,
                lda: ld, x + at + e, ldb: ld, scores + rows.lowerBound * l, ldc: l)
            if let mp, !causal { for i in 0..<(l * l) { scores[i] += mp[i] } }
        }
        /// Row i's probabilities from its scores (exponentials shifted by `shift`, times `factor`),
        /// zeros after its last scored key up to `width`, and its dropped-out weights.
        func probabilities(
            _ b: Int, row i: Int, width: Int, _ pb: UnsafeMutablePointer<Float>, _ weights: UnsafeMutablePointer<Float>,
            shift: Float, normalise: Bool
        ) -> Double {
            let (row, count) = (pb + i * l, scored(i))
            let total = Tensor.expShiftedRow(row, row, columns: count, shift: shift)
            if normalise { Kernels.scale(row, by: Float(1 / total), count) }
            (row + count).update(repeating: 0, count: width - count)
            if let keep {
                keep.apply(row, weights + i * l, start: b * l * l + i * l, count: width, scale: dropScale)
            } else {
                (weights + i * l).update(from: row, count: width)
            }
            return total
        }
        // Four chunks a thread: whichever thread is free takes the next, so a worker that starts
        // late (a loaded machine) costs a quarter of its share, not all of it.
        let chunks = Swift.min(pairs, 4 * Parallel.threadCount)
        BLAS.setThreads(1)
        Parallel.forEach(chunks: chunks) { chunk in
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 2 * l * l)
            defer { scratch.deallocate() }
            let (pb, weights) = (scratch, scratch + l * l)
            for b in Parallel.range(of: chunk, chunks: chunks, count: pairs) {
                let (at, offset) = columns(b)
                for rows in blocks {
                    let width = causal ? rows.upperBound : l
                    scores(b, rows: rows, width: width, into: pb, x)
                    for i in rows {
                        let shift = Kernels.max(pb + i * l, scored(i)).finiteOrZero
                        let total = probabilities(b, row: i, width: width, pb, weights, shift: shift, normalise: true)
                        lse[b * l + i] = shift + Float(Foundation.log(total))
                    }
                    BLAS.sgemmAsConfigured(
                        transA: false, transB: false, m: rows.count, n: d, k: width, weights + rows.lowerBound * l, lda: l,
                        x + at + 2 * e, ldb: ld, y + offset + rows.lowerBound * ldOut, ldc: ldOut)
                }
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
                    // The last block reaches every key, so it writes dK and dV whole; the others add.
                    for (index, rows) in blocks.reversed().enumerated() {
                        let width = causal ? rows.upperBound : l
                        let (first, beta): (Int, Float) = (rows.lowerBound, index == 0 ? 0 : 1)
                        // P = exp(S − logsumexp), as forward had it.
                        scores(b, rows: rows, width: width, into: pb, x)
                        for i in rows {
                            _ = probabilities(b, row: i, width: width, pb, weights, shift: lse[b * l + i], normalise: false)
                        }
                        // dW = dO Vᵀ and dV = Wᵀ dO.
                        BLAS.sgemmAsConfigured(
                            transA: false, transB: true, m: rows.count, n: width, k: d, gOut + first * ldOut, lda: ldOut, v,
                            ldb: ld, gs + first * l, ldc: l)
                        BLAS.sgemmAsConfigured(
                            transA: true, transB: false, m: width, n: d, k: rows.count, weights + first * l, lda: l,
                            gOut + first * ldOut, ldb: ldOut, beta: beta, gv, ldc: ld)
                        for i in rows {
                            let (row, prob) = (gs + i * l, pb + i * l)
                            if let keep { keep.apply(row, row, start: b * l * l + i * l, count: width, scale: dropScale) }
                            let dot = Kernels.dot(row, prob, scored(i))
                            for j in 0..<width { row[j] = prob[j] * (row[j] - dot) }
                        }
                        BLAS.sgemmAsConfigured(
                            transA: false, transB: false, m: rows.count, n: d, k: width, alpha: scale,
                            gs + first * l, lda: l, k, ldb: ld, gq + first * ld, ldc: ld)
                        BLAS.sgemmAsConfigured(
                            transA: true, transB: false, m: width, n: d, k: rows.count, alpha: scale,
                            gs + first * l, lda: l, q + first * ld, ldb: ld, beta: beta, gk, ldc: ld)
                    }
                }
            }
            return [gqkv]
        }
    }
}

/// Whether `mask` [L, L] is the additive causal mask: −∞ exactly above the diagonal, 0 elsewhere.
func isCausalMask(_ mask: Tensor) -> Bool {
    let l = mask.shape[0]
    let m = mask.pointer
    for i in 0..<l {
        for j in 0..<l where m[i * l + j] != (j > i ? -Float.infinity : 0) { return false }
    }
    return true
}
