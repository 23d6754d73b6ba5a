import Foundation

extension Tensor {
    /// Mean softmax cross-entropy of `logits` [N, C] against class `targets` (N of them), fused.
    ///
    /// loss = mean over rows with target ≠ `ignoreIndex` of (logsumexp(x) − x[target]). When a
    /// gradient will be needed, the forward pass also writes it, (softmax(x) − onehot(target)) / count,
    /// row by row while the row is still in cache: the logits are read from memory once, and the
    /// backward only hands that buffer on (scaled when the upstream gradient is not 1). With every
    /// row ignored the loss is NaN, as in PyTorch.
    public static func crossEntropy(logits: Tensor, targets: [Int], ignoreIndex: Int? = nil) -> Tensor {
        let (n, c) = checkedRows(logits, targets, ignoreIndex, op: "crossEntropy")
        let used = targets.reduce(0) { $0 + ($1 == ignoreIndex ? 0 : 1) }
        let gradient = GradMode.isEnabled && logits.requiresGrad ? TensorStorage(uninitializedCount: n * c) : nil
        let rows = crossEntropyRows(
            logits.pointer, rows: n, columns: c, targets: targets, ignoreIndex: ignoreIndex,
            gradient: gradient.map { ($0.pointer, 1 / Float(used)) })
        var total = 0.0
        for (r, t) in targets.enumerated() where t != ignoreIndex { total += Double(rows.loss[r]) }
        let loss = Tensor(Float(total / Double(used)))
        return .result("cross_entropy", shape: [], storage: loss.storage, inputs: [logits]) { g in
            // `gradient` is non-nil whenever this closure is recorded (grad mode on, logits need it).
            let gx = Tensor(shape: [n, c], storage: gradient!)
            let upstream = g.item
            if upstream != 1 { Kernels.scale(gx.pointer, by: upstream, n * c) }
            return [gx]
        }
    }

    /// Summed cross-entropy and top-1 hits of `logits` [N, C] over the rows whose target is not
    /// `ignoreIndex`, without recording a graph (evaluation): one parallel pass over the logits.
    /// A hit is a row whose target logit is the largest (ties count as hits).
    public static func crossEntropyTotals(logits: Tensor, targets: [Int], ignoreIndex: Int? = nil)
        -> (loss: Double, hits: Int, count: Int)
    {
        let (n, c) = checkedRows(logits, targets, ignoreIndex, op: "crossEntropyTotals")
        let rows = crossEntropyRows(
            logits.pointer, rows: n, columns: c, targets: targets, ignoreIndex: ignoreIndex, gradient: nil)
        var total = 0.0
        var hits = 0
        var used = 0
        for (r, t) in targets.enumerated() where t != ignoreIndex {
            total += Double(rows.loss[r])
            if rows.hit[r] { hits += 1 }
            used += 1
        }
        return (total, hits, used)
    }

    private static func checkedRows(_ logits: Tensor, _ targets: [Int], _ ignoreIndex: Int?, op: String) -> (Int, Int) {
        precondition(
            logits.rank == 2 && logits.shape[0] == targets.count,
            "\(op): logits \(logits.shape) do not match \(targets.count) targets")
        let c = logits.shape[1]
        checkTargets(targets, classes: c, ignoreIndex: ignoreIndex, op: op)
        return (logits.shape[0], c)
    }

    /// Stops with `op`'s name on a target outside 0..<classes (other than `ignoreIndex`).
    static func checkTargets(_ targets: [Int], classes c: Int, ignoreIndex: Int?, op: String) {
        if let bad = targets.first(where: { $0 != ignoreIndex && ($0 < 0 || $0 >= c) }) {
            preconditionFailure("\(op): target \(bad) out of range for \(c) classes")
        }
    }

    /// Per row: logsumexp(x) − x[target] and whether x[target] is the row's maximum; with
    /// `gradient` (buffer, scale), also writes (softmax(x) − onehot(target)) · scale into the
    /// buffer's row (zeros for ignored rows). Each row is read from memory once: the max, the
    /// exponentials and the scaling run on it while it is in cache.
    private static func crossEntropyRows(
        _ x: UnsafePointer<Float>, rows n: Int, columns c: Int, targets: [Int], ignoreIndex: Int?,
        gradient: (UnsafeMutablePointer<Float>, Float)?
    ) -> (loss: [Float], hit: [Bool]) {
        var loss = [Float](repeating: 0, count: n)
        var hit = [Bool](repeating: false, count: n)
        loss.withUnsafeMutableBufferPointer { loss in
            hit.withUnsafeMutableBufferPointer { hit in
                targets.withUnsafeBufferPointer { targets in
                    Kernels.parallelFor(n, grain: Swift.max(1, 16_384 / Swift.max(c, 1))) { range in
                        // Without a gradient buffer the exponentials go to one scratch row per chunk.
                        let scratch = gradient == nil ? UnsafeMutablePointer<Float>.allocate(capacity: c) : nil
                        defer { scratch?.deallocate() }
                        for r in range {
                            let row = x + r * c
                            let t = targets[r]
                            let out = gradient.map { $0.0 + r * c } ?? scratch!
                            if t == ignoreIndex {
                                if gradient != nil { out.update(repeating: 0, count: c) }
                                continue
                            }
                            (loss[r], hit[r]) = crossEntropyRow(row, out, columns: c, target: t, gradientScale: gradient?.1)
                        }
                    }
                }
            }
        }
        return (loss, hit)
    }

    /// One row of logits: returns logsumexp(x) − x[target] and whether x[target] is the row's
    /// maximum, and leaves exp(x − max) in `out`, or (softmax(x) − onehot(target)) · scale when
    /// `gradientScale` is given. `out` may be `row` itself (the logits overwritten).
    @inline(__always)
    static func crossEntropyRow(
        _ row: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, columns c: Int,
        target t: Int, gradientScale: Float?
    ) -> (loss: Float, hit: Bool) {
        let rowMax = Kernels.max(row, c)
        let logit = row[t]
        let shift = rowMax.finiteOrZero
        let lse = shift + Float(Foundation.log(expShiftedRow(row, out, columns: c, shift: shift)))
        if let scale = gradientScale {
            // Stored values are exp(x − shift); softmax · scale = them · exp(shift − lse) · scale.
            Kernels.scale(out, by: Foundation.exp(shift - lse) * scale, c)
            out[t] -= scale
        }
        return (lse - logit, logit >= rowMax)
    }
}
