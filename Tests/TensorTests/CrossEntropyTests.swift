import Foundation
import Tensor
import Testing

/// The fused cross-entropy on rows long enough to be split across threads, against the formula
/// computed in Double, and its evaluation totals (loss sum, top-1 hits).
@Suite struct CrossEntropyTests {
    static func logits(rows: Int, columns: Int) -> [Float] {
        (0..<rows * columns).map { Float(6 * sin(Double($0) * 12.9898 + 0.5)) }
    }

    /// Row r's log-softmax at every column, in Double.
    static func logSoftmax(_ x: [Float], row r: Int, columns c: Int) -> [Double] {
        let row = x[r * c..<(r + 1) * c].map(Double.init)
        let m = row.max()!
        let lse = m + log(row.reduce(0) { $0 + exp($1 - m) })
        return row.map { $0 - lse }
    }

    @Test func lossAndGradientMatchTheFormulaWithIgnoredRowsAndAScaledUpstream() {
        let (n, c) = (48, 3001)
        let values = Self.logits(rows: n, columns: c)
        let targets = (0..<n).map { $0 % 7 == 3 ? -100 : ($0 * 613) % c }
        let x = Tensor(shape: [n, c], values, requiresGrad: true)
        let loss = Tensor.crossEntropy(logits: x, targets: targets, ignoreIndex: -100)
        let used = targets.filter { $0 != -100 }
        var expected = 0.0
        for (r, t) in targets.enumerated() where t != -100 { expected -= Self.logSoftmax(values, row: r, columns: c)[t] }
        expected /= Double(used.count)
        #expect(abs(Double(loss.item) - expected) < 1e-5 * expected)

        (loss * 3).backward()
        let grad = x.grad!.scalars
        var worst = 0.0
        for (r, t) in targets.enumerated() {
            let logp = Self.logSoftmax(values, row: r, columns: c)
            for j in 0..<c {
                let want = t == -100 ? 0 : 3 * (exp(logp[j]) - (j == t ? 1 : 0)) / Double(used.count)
                worst = max(worst, abs(Double(grad[r * c + j]) - want))
            }
        }
        #expect(worst < 1e-7)
    }

    @Test func totalsSumTheRowLossesAndCountTopOneHits() {
        let logits = Tensor(shape: [4, 4], [0, 5, 1, 2, 9, 1, 1, 1, 0, 0, 3, 3, 1, 2, 3, 4])
        let targets = [1, 2, 3, -1]
        let totals = Tensor.crossEntropyTotals(logits: logits, targets: targets, ignoreIndex: -1)
        #expect(totals.hits == 2 && totals.count == 3)  // row 1 misses; a tie counts as a hit; row 3 ignored
        let mean = Tensor.crossEntropy(logits: logits, targets: targets, ignoreIndex: -1).item
        #expect(abs(totals.loss / 3 - Double(mean)) < 1e-6)

        let (n, c) = (40, 5000)
        let big = Tensor(shape: [n, c], Self.logits(rows: n, columns: c))
        let wide = (0..<n).map { ($0 * 997) % c }
        let sums = Tensor.crossEntropyTotals(logits: big, targets: wide)
        #expect(abs(sums.loss / Double(n) - Double(Tensor.crossEntropy(logits: big, targets: wide).item)) < 1e-5)
        let argmaxHits = (0..<n).filter { r in
            let row = big.scalars[r * c..<(r + 1) * c]
            return row[r * c + wide[r]] >= row.max()!
        }.count
        #expect(sums.hits == argmaxHits && sums.count == n)
    }
}

/// `Tensor.linear` on decoder-sized shapes (the packed, row-blocked path with the bias added as
/// tiles are stored) against the product summed in Double.
@Suite struct DecoderProductTests {
    @Test(arguments: [(70, 530, 37), (133, 1024, 200), (64, 512, 1)])
    func linearMatchesTheProductInDouble(_ shape: (Int, Int, Int)) {
        let (rows, out, inF) = shape
        let value = { (i: Int, salt: Double) in Float(sin(Double(i) * 0.7 + salt)) }
        let x = Tensor(shape: [rows, inF], (0..<rows * inF).map { value($0, 1) })
        let w = Tensor(shape: [out, inF], (0..<out * inF).map { value($0, 2) })
        let b = Tensor(shape: [out], (0..<out).map { value($0, 3) })
        let (xs, ws, bs) = (x.scalars, w.scalars, b.scalars)
        for bias in [b, nil] {
            let y = Tensor.linear(x, weight: w, bias: bias).scalars
            var worst = 0.0
            for r in 0..<rows {
                for j in 0..<out {
                    var sum = bias == nil ? 0 : Double(bs[j])
                    for k in 0..<inF { sum += Double(xs[r * inF + k]) * Double(ws[j * inF + k]) }
                    worst = max(worst, abs(Double(y[r * out + j]) - sum))
                }
            }
            #expect(worst < 1e-4, "worst error \(worst) for \(shape), bias \(bias != nil)")
        }
    }
}

/// `PackedLinear.crossEntropyTotals` (the evaluation decoder: logits reduced 256 columns at a time,
/// never stored) against `Tensor.linear` followed by `Tensor.crossEntropyTotals`.
@Suite struct PackedLinearTests {
    /// Rows past one L2 block and not a multiple of 5, columns over several 256-column chunks with a
    /// partial last panel, ignored rows; with and without a bias.
    @Test(arguments: [(131, 1000, 200), (7, 300, 33), (12, 16, 4)])
    func totalsMatchTheStoredLogits(_ shape: (Int, Int, Int)) {
        let (rows, out, inF) = shape
        let value = { (i: Int, salt: Double) in Float(2 * sin(Double(i) * 0.37 + salt)) }
        let x = Tensor(shape: [rows, inF], (0..<rows * inF).map { value($0, 1) })
        let w = Tensor(shape: [out, inF], (0..<out * inF).map { value($0, 2) })
        let b = Tensor(shape: [out], (0..<out).map { value($0, 3) })
        let targets = (0..<rows).map { $0 % 9 == 4 ? -100 : ($0 * 389) % out }
        for bias in [b, nil] {
            let want = Tensor.crossEntropyTotals(
                logits: Tensor.linear(x, weight: w, bias: bias), targets: targets,
                ignoreIndex: -100)
            let got = PackedLinear(weight: w, bias: bias).crossEntropyTotals(x, targets: targets, ignoreIndex: -100)
            #expect(got.count == want.count && got.hits == want.hits, "\(shape): \(got) vs \(want)")
            #expect(abs(got.loss - want.loss) <= 1e-5 * abs(want.loss), "\(shape): \(got.loss) vs \(want.loss)")
        }
    }

    @Test func tiesCountAsHitsAndEmptyInputScoresNothing() {
        // Row 0's target ties the maximum, row 1's is below it: the same rule as crossEntropyTotals.
        let w = Tensor(shape: [3, 2], [1, 0, 1, 0, 0, 1])
        let x = Tensor(shape: [2, 2], [2, 1, 2, 1])
        let totals = PackedLinear(weight: w, bias: nil).crossEntropyTotals(x, targets: [1, 2])
        #expect(totals.hits == 1 && totals.count == 2)
        let empty = PackedLinear(weight: w, bias: nil).crossEntropyTotals(Tensor.zeros([0, 2]), targets: [])
        #expect(empty.count == 0 && empty.loss == 0)
    }
}
