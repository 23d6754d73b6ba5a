import CBF16
import Foundation

/// A linear layer's weight packed once for the many products of an evaluation pass, with the
/// softmax cross-entropy folded into the product so the logits never go to memory.
///
/// An LM decoder's logits ([positions, vocabulary]: 10.6 MB per validation window of the recipe) are
/// only read back to compute logsumexp and the target's logit. Here the columns are taken 256 at a
/// time for a block of rows, reduced to per-row maxima and sums of exponentials while they are in
/// L2, and merged at the end; the weight is packed once per pass instead of once per window.
public struct PackedLinear {
    /// The weight for Float32 products, or nil when the products run in bfloat16.
    let packed: PackedMatrix?
    /// The weight in bfloat16 panels, when `Tensor.matrixPrecision` asked for them at `init`.
    let packedBF16: BF16Panels?
    /// Kept alive (and read) while the packed copy is in use.
    let bias: Tensor?
    public let inFeatures: Int
    public let outFeatures: Int

    /// Column panels per unit of work. The per-row partial sums of the units are merged in unit
    /// order, so the totals do not depend on how many threads ran them.
    static let panelsPerChunk = 16

    /// Packs `weight` [out, in] (PyTorch's Linear layout) with `bias` [out] or nil, in bfloat16
    /// when `Tensor.matrixPrecision` says so (and the kernels are there). The tensors must not
    /// change while this is in use (an evaluation pass).
    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 2, "PackedLinear: weight must be [out, in], got \(weight.shape)")
        if let bias {
            precondition(
                bias.shape == [weight.shape[0]], "PackedLinear: bias \(bias.shape) does not match weight \(weight.shape)")
        }
        (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
        if Tensor.productsInBF16 {
            packed = nil
            packedBF16 = BF16Panels(weight.pointer, k: inFeatures, n: outFeatures, transposed: true)
        } else {
            packed = PackedMatrix(weight.pointer, k: inFeatures, n: outFeatures, transposed: true, parallel: true)
            packedBF16 = nil
        }
        self.bias = bias
    }

    /// Column panels of 16 (both kernels' width).
    var panels: Int { (outFeatures + PackedMatrix.panelWidth - 1) / PackedMatrix.panelWidth }

    /// Summed cross-entropy and top-1 hits of the logits `input`·Wᵀ + b ([N, out], never stored)
    /// against `targets` (N of them), over the rows whose target is not `ignoreIndex`: the same
    /// contract as `Tensor.crossEntropyTotals(logits:targets:ignoreIndex:)`, whose sums it matches
    /// up to rounding (the exponentials are summed in another order). A hit is a row whose target
    /// logit is the largest (ties count as hits). `input` [N, in].
    public func crossEntropyTotals(_ input: Tensor, targets: [Int], ignoreIndex: Int? = nil)
        -> (loss: Double, hits: Int, count: Int)
    {
        let scoring = scoring(input, targets: targets, ignoreIndex: ignoreIndex)
        Parallel.forEach(chunks: scoring.chunks) { scoring.run(chunk: $0) }
        return scoring.totals()
    }

    /// `crossEntropyTotals` as separate pieces of work: run every chunk once, on any threads in any
    /// order (evaluation runs them beside the next window's forward pass), then read the totals.
    public func scoring(_ input: Tensor, targets: [Int], ignoreIndex: Int? = nil) -> Scoring {
        precondition(
            input.rank == 2 && input.shape[1] == inFeatures && input.shape[0] == targets.count,
            "PackedLinear.scoring: input \(input.shape) does not match \(targets.count) targets × \(inFeatures) features")
        Tensor.checkTargets(targets, classes: outFeatures, ignoreIndex: ignoreIndex, op: "PackedLinear.scoring")
        return Scoring(self, input, targets, ignoreIndex)
    }

    /// One batch of rows being scored: per chunk of columns, each row's maximum and sum of
    /// exponentials; the target logits; merged by `totals()` in chunk order.
    public final class Scoring: @unchecked Sendable {
        let decoder: PackedLinear
        let input: Tensor
        let targets: [Int]
        let ignoreIndex: Int?
        let rows: Int
        /// Units of work for `run(chunk:)`.
        public let chunks: Int
        /// The input in bfloat16 (converted once for every chunk) when the weight is.
        let inputBF16: BF16Rows?
        let maxima: UnsafeMutablePointer<Float>
        let sums: UnsafeMutablePointer<Float>
        let targetLogits: UnsafeMutablePointer<Float>

        init(_ decoder: PackedLinear, _ input: Tensor, _ targets: [Int], _ ignoreIndex: Int?) {
            (self.decoder, self.input, self.targets, self.ignoreIndex) = (decoder, input, targets, ignoreIndex)
            rows = input.shape[0]
            inputBF16 = decoder.packedBF16 == nil ? nil : BF16Rows(input.pointer, m: rows, k: decoder.inFeatures)
            chunks = rows == 0 ? 0 : (decoder.panels + PackedLinear.panelsPerChunk - 1) / PackedLinear.panelsPerChunk
            maxima = .allocate(capacity: Swift.max(1, chunks * rows))
            sums = .allocate(capacity: Swift.max(1, chunks * rows))
            targetLogits = .allocate(capacity: Swift.max(1, rows))
            maxima.initialize(repeating: -.infinity, count: chunks * rows)
            sums.initialize(repeating: 0, count: chunks * rows)
            targetLogits.initialize(repeating: .nan, count: rows)
        }

        deinit {
            maxima.deallocate()
            sums.deallocate()
            targetLogits.deallocate()
        }

        /// Scores the columns of chunk `chunk` (0..<chunks) for every row; writes only that chunk's
        /// sums (and the target logits whose columns it holds).
        public func run(chunk: Int) {
            let per = PackedLinear.panelsPerChunk
            let panels = (chunk * per)..<Swift.min(decoder.panels, (chunk + 1) * per)
            targets.withUnsafeBufferPointer { targets in
                decoder.foldLogits(
                    input.pointer, inputBF16, rows: rows, panels: panels, targets: targets, ignoreIndex: ignoreIndex,
                    maxima: maxima + chunk * rows, sums: sums + chunk * rows, targetLogits: targetLogits)
            }
        }

        /// The summed loss, hits and scored rows, once every chunk has run.
        public func totals() -> (loss: Double, hits: Int, count: Int) {
            let n = rows
            var total = 0.0
            var hits = 0
            var used = 0
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
    }

    /// Each row's maximum and Σ exp(x − maximum) over the logit columns of `panels`, and its target
    /// logit where the target's column falls among them. The columns of a block of rows go to a
    /// scratch buffer that stays in L2 (the block of A beside it, as in `multiplyParallel`), and
    /// are reduced from there.
    fileprivate func foldLogits(
        _ a: UnsafePointer<Float>, _ aBF16: BF16Rows?, rows n: Int, panels: Range<Int>, targets: UnsafeBufferPointer<Int>,
        ignoreIndex: Int?, maxima: UnsafeMutablePointer<Float>, sums: UnsafeMutablePointer<Float>,
        targetLogits: UnsafeMutablePointer<Float>
    ) {
        let firstColumn = panels.lowerBound * PackedMatrix.panelWidth
        let columns = Swift.min(outFeatures, panels.upperBound * PackedMatrix.panelWidth) - firstColumn
        let blockRows = PackedMatrix.blockRows(k: inFeatures)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Swift.min(n, blockRows) * columns)
        defer { scratch.deallocate() }
        var r0 = 0
        while r0 < n {
            let rows = r0..<Swift.min(n, r0 + blockRows)
            if let packed {
                packed.multiply(
                    a, rows: rows, lda: inFeatures, panels: panels, into: scratch - r0 * columns, ldc: columns,
                    firstColumn: firstColumn, accumulate: false, bias: bias.map { UnsafePointer($0.pointer) })
            } else if let packedBF16, let aBF16 {
                foldBF16Product(aBF16, packedBF16, rows: rows, panels: panels, into: scratch, columns: columns)
            }
            for r in rows {
                let row = scratch + (r - r0) * columns
                let t = targets[r]
                if t == ignoreIndex { continue }
                if t >= firstColumn && t < firstColumn + columns { targetLogits[r] = row[t - firstColumn] }
                let rowMax = Kernels.max(row, columns)
                maxima[r] = rowMax
                sums[r] = Float(Tensor.expShiftedRow(row, row, columns: columns, shift: rowMax.finiteOrZero))
            }
            r0 = rows.upperBound
        }
    }

    /// scratch [rows, columns] = A[rows]·Wᵀ (+ b) over `panels`, in bfloat16 with Float32 sums.
    private func foldBF16Product(
        _ a: BF16Rows, _ w: BF16Panels, rows: Range<Int>, panels: Range<Int>, into scratch: UnsafeMutablePointer<Float>,
        columns: Int
    ) {
        let firstColumn = panels.lowerBound * PackedMatrix.panelWidth
        let kp = perplex_bf16_padded_k(inFeatures)
        // The kernel writes panel p's columns at 16p: shift C so that firstColumn lands on scratch.
        perplex_bf16_gemm(
            a.storage.pointer + rows.lowerBound * kp, rows.count, inFeatures, w.storage.pointer, outFeatures,
            panels.lowerBound, panels.upperBound, scratch - firstColumn, columns, 0, bias.map { UnsafePointer($0.pointer) })
    }
}
