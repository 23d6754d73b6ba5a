extension Tensor {
    /// Mean softmax cross-entropy of the logits x·Wᵀ + b against `targets`: the value and
    /// gradients of `crossEntropy(logits: linear(x, weight: weight, bias: bias), targets:)`, fused
    /// for an LM's decoder in training. x [N, in], weight [V, in], bias [V] or nil, N targets;
    /// rows whose target is `ignoreIndex` do not count (all ignored: NaN, as in PyTorch).
    ///
    /// The logits [N, V] never leave the op: the cross-entropy pass overwrites each row with its
    /// gradient G = (softmax − onehot) / count while the row is in cache, instead of writing a
    /// second [N, V] buffer, and adds the row to its block's column sums, so the bias gradient
    /// needs no pass of its own over G. Blocks of 64 rows are summed in order, so the result does
    /// not depend on the number of threads. Backward, times the upstream gradient:
    /// dx = G·W, dW = Gᵀ·x, db = Σ_rows G.
    public static func linearCrossEntropy(
        _ x: Tensor, weight: Tensor, bias: Tensor?, targets: [Int],
        ignoreIndex: Int? = nil
    ) -> Tensor {
        precondition(
            weight.rank == 2 && x.rank == 2 && x.shape[1] == weight.shape[1] && x.shape[0] == targets.count,
            "linearCrossEntropy: input \(x.shape), weight \(weight.shape) and \(targets.count) targets do not match")
        let (n, c) = (x.shape[0], weight.shape[0])
        if let bias {
            precondition(bias.shape == [c], "linearCrossEntropy: bias \(bias.shape) does not match weight \(weight.shape)")
        }
        checkTargets(targets, classes: c, ignoreIndex: ignoreIndex, op: "linearCrossEntropy")
        let used = targets.reduce(0) { $0 + ($1 == ignoreIndex ? 0 : 1) }
        let logits = TensorStorage(uninitializedCount: n * c)
        linearProduct(x, weight: weight, bias: bias, rows: n, into: logits.pointer)

        let wantsGradient = GradMode.isEnabled && [x, weight, bias].contains { $0?.requiresGrad == true }
        // With bfloat16 products G's two bfloat16 operands (rows for dx = G·W, Gᵀ for dW = Gᵀ·x)
        // are written while its rows are in cache: converting G afterwards was two more passes
        // over [N, V] floats, one of them reading down columns.
        let bf16 = productsInBF16 && wantsGradient
        let gRows = bf16 && x.requiresGrad ? BF16Rows(uninitializedM: n, k: c) : nil
        let gTransposed = bf16 && weight.requiresGrad ? BF16Rows(uninitializedM: c, k: n) : nil
        let blockRows = 64
        let blocks = (n + blockRows - 1) / blockRows
        let columnSums = wantsGradient && bias != nil ? TensorStorage(count: blocks * c, repeating: 0) : nil
        var loss = [Float](repeating: 0, count: n)
        let (lp, sp, scale) = (logits.pointer, columnSums?.pointer, 1 / Float(used))
        loss.withUnsafeMutableBufferPointer { loss in
            targets.withUnsafeBufferPointer { targets in
                Parallel.forEach(chunks: blocks) { block in
                    for r in (block * blockRows)..<Swift.min(n, (block + 1) * blockRows) {
                        let row = lp + r * c
                        let t = targets[r]
                        if t == ignoreIndex {
                            row.update(repeating: 0, count: c)
                        } else {
                            loss[r] =
                                crossEntropyRow(
                                    row, row, columns: c, target: t,
                                    gradientScale: wantsGradient ? scale : nil
                                ).loss
                            if let sums = sp.map({ $0 + block * c }) { for j in 0..<c { sums[j] += row[j] } }
                        }
                        gRows?.convertRow(r, from: row)
                        // Every 32 rows (the transposed packing's block of k), while they are in L2.
                        if let gTransposed, r % 32 == 31 || r == n - 1 {
                            let first = r / 32 * 32
                            gTransposed.packTransposed(lp, lds: c, columns: first..<(r + 1))
                        }
                    }
                }
            }
        }
        var total = 0.0
        for (r, t) in targets.enumerated() where t != ignoreIndex { total += Double(loss[r]) }
        let value = Tensor(Float(total / Double(used)))

        let inputs = [x, weight] + (bias.map { [$0] } ?? [])
        // G in Float32 is kept only for Float32 products.
        let gradient = bf16 ? nil : logits
        return .result("linear_cross_entropy", shape: [], storage: value.storage, inputs: inputs) { g in
            let upstream = g.item
            var (gx, gw): (Tensor?, Tensor?)
            if let gradient {
                if upstream != 1 { Kernels.scale(gradient.pointer, by: upstream, n * c) }
                (gx, gw) = linearGradients(gradient.pointer, x: x, weight: weight, rows: n)
            } else {
                (gx, gw) = linearGradients(rows: gRows, transposed: gTransposed, x: x, weight: weight)
                if upstream != 1 {
                    for t in [gx, gw].compactMap({ $0 }) { Kernels.scale(t.pointer, by: upstream, t.count) }
                }
            }
            guard let bias else { return [gx, gw] }
            var gb: Tensor?
            if bias.requiresGrad, let sums = columnSums?.pointer {
                let total = Tensor(shape: [c], repeating: 0)
                for b in 0..<blocks { Kernels.add(total.pointer, sums + b * c, total.pointer, c) }
                if upstream != 1 { Kernels.scale(total.pointer, by: upstream, c) }
                gb = total
            }
            return [gx, gw, gb]
        }
    }
}
