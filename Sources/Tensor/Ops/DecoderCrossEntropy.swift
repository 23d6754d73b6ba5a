import Foundation

/// A linear layer's weight packed once for the many products of an evaluation pass, with the
/// softmax cross-entropy folded into the product so the logits are never written.
///
/// An LM decoder's logits ([positions, vocabulary]: 10.6 MB per validation window of the recipe) are
/// only read back to compute logsumexp and the target's logit. Here the columns are taken 256 at a
/// time for a block of rows, reduced to per-row maxima and sums of exponentials while they are in
/// L2, and merged at the end; the weight is packed once per pass instead of once per window.
public struct PackedLinear {
    let packed: PackedMatrix
    /// Kept alive (and read) while the packed copy is in use.
    let bias: Tensor?
    public let inFeatures: Int
    public let outFeatures: Int

    /// Column panels per unit of work. The per-row partial sums of the units are merged in unit
    /// order, so the totals do not depend on how many threads ran them.
    static let panelsPerChunk = 16

    /// Packs `weight` [out, in] (PyTorch's Linear layout) with `bias` [out] or nil. The tensors must
    /// not change while this is in use (an evaluation pass).
    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 2, "PackedLinear: weight must be [out, in], got \(weight.shape)")
        if let bias { precondition(bias.shape == [weight.shape[0]], "PackedLinear: bias \(bias.shape) does not match weight \(weight.shape)") }
        (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
        packed = PackedMatrix(weight.pointer, k: inFeatures, n: outFeatures, transposed: true, parallel: true)
        self.bias = bias
    }

    /// Summed cross-entropy and top-1 hits of the logits `input`·Wᵀ + b ([N, out], never stored)
    /// against `targets` (N of them), over the rows whose target is not `ignoreIndex`: the same
    /// contract as `Tensor.crossEntropyTotals(logits:targets:ignoreIndex:)`, whose sums it matches
    /// up to rounding (the exponentials are summed in another order). A hit is a row whose target
    /// logit is the largest (ties count as hits). `input` [N, in].
    public func crossEntropyTotals(_ input: Tensor, targets: [Int], ignoreIndex: Int? = nil)
        -> (loss: Double, hits: Int, count: Int) {
        precondition(input.rank == 2 && input.shape[1] == inFeatures && input.shape[0] == targets.count,
                     "PackedLinear.crossEntropyTotals: input \(input.shape) does not match \(targets.count) targets × \(inFeatures) features")
        if let bad = targets.first(where: { $0 != ignoreIndex && ($0 < 0 || $0 >= outFeatures) }) {
            preconditionFailure("PackedLinear.crossEntropyTotals: target \(bad) out of range for \(outFeatures) classes")
        }
        let n = input.shape[0]
        guard n > 0 else { return (0, 0, 0) }
        let chunks = (packed.panels + Self.panelsPerChunk - 1) / Self.panelsPerChunk
        let maxima = UnsafeMutablePointer<Float>.allocate(capacity: chunks * n)
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: chunks * n)
        let targetLogits = UnsafeMutablePointer<Float>.allocate(capacity: n)
        defer { maxima.deallocate(); sums.deallocate(); targetLogits.deallocate() }
        maxima.initialize(repeating: -.infinity, count: chunks * n)
        sums.initialize(repeating: 0, count: chunks * n)
        targetLogits.initialize(repeating: .nan, count: n)
        targets.withUnsafeBufferPointer { targets in
            Parallel.forEach(chunks: chunks) { chunk in
                let panels = (chunk * Self.panelsPerChunk)..<Swift.min(packed.panels, (chunk + 1) * Self.panelsPerChunk)
                foldLogits(input.pointer, rows: n, panels: panels, targets: targets, ignoreIndex: ignoreIndex,
                           maxima: maxima + chunk * n, sums: sums + chunk * n, targetLogits: targetLogits)
            }
        }
        var total = 0.0, hits = 0, used = 0
        for (r, t) in targets.enumerated() where t != ignoreIndex {
            var rowMax = -Float.infinity
            for c in 0..<chunks { rowMax = Swift.max(rowMax, maxima[c * n + r]) }
            // Each chunk summed exp(x − its shift); bring the sums to the row's shift.
            let shift = rowMax.finiteOrZero
            var sum = 0.0
            for c in 0..<chunks {
                sum += Double(sums[c * n + r]) * Foundation.exp(Double(maxima[c * n + r].finiteOrZero - shift))
            }
            total += Double(shift) + Foundation.log(sum) - Double(targetLogits[r])
            if targetLogits[r] >= rowMax { hits += 1 }
            used += 1
        }
        return (total, hits, used)
    }

    /// Each row's maximum and Σ exp(x − maximum) over the logit columns of `panels`, and its target
    /// logit where the target's column falls among them. The columns of a block of rows go to a
    /// scratch buffer that stays in L2 (the block of A beside it, as in `multiplyParallel`), and
    /// are reduced from there.
    private func foldLogits(_ a: UnsafePointer<Float>, rows n: Int, panels: Range<Int>, targets: UnsafeBufferPointer<Int>,
                            ignoreIndex: Int?, maxima: UnsafeMutablePointer<Float>, sums: UnsafeMutablePointer<Float>,
                            targetLogits: UnsafeMutablePointer<Float>) {
        let firstColumn = panels.lowerBound * PackedMatrix.panelWidth
        let columns = Swift.min(outFeatures, panels.upperBound * PackedMatrix.panelWidth) - firstColumn
        let blockRows = PackedMatrix.blockRows(k: inFeatures)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Swift.min(n, blockRows) * columns)
        defer { scratch.deallocate() }
        var r0 = 0
        while r0 < n {
            let rows = r0..<Swift.min(n, r0 + blockRows)
            packed.multiply(a, rows: rows, lda: inFeatures, panels: panels, into: scratch - r0 * columns, ldc: columns,
                            firstColumn: firstColumn, accumulate: false, bias: bias.map { UnsafePointer($0.pointer) })
            for r in rows {
                let row = scratch + (r - r0) * columns, t = targets[r]
                if t == ignoreIndex { continue }
                if t >= firstColumn && t < firstColumn + columns { targetLogits[r] = row[t - firstColumn] }
                let rowMax = Kernels.max(row, columns)
                maxima[r] = rowMax
                sums[r] = Float(Tensor.expShiftedRow(row, row, columns: columns, shift: rowMax.finiteOrZero))
            }
            r0 = rows.upperBound
        }
    }
}
