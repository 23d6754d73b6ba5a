import Foundation
import Tensor
import Testing

/// Forward values of the ops on small cases worked out by hand.
@Suite struct OpValueTests {
    @Test(arguments: [0, 5, 37, 32_768, 100_003])
    func sumOfSquaresMatchesDouble(_ n: Int) {
        let x = Tensor.normal([Swift.max(n, 1)], generator: RandomGenerator(seed: UInt64(n)))
        let expected = (0..<n).reduce(0.0) { $0 + Double(x.pointer[$1]) * Double(x.pointer[$1]) }
        let got = Kernels.sumOfSquares(x.pointer, n)
        #expect(abs(got - expected) <= 1e-6 * Swift.max(expected, 1), "\(got) vs \(expected)")
        #expect(Kernels.sumOfSquares(x.pointer, n) == got)
    }

    @Test func matmulAndTransposeFlags() {
        let a = Tensor(shape: [2, 3], [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], [7, 8, 9, 10, 11, 12])
        #expect(Tensor.matmul(a, b).scalars == [58, 64, 139, 154])
        #expect(Tensor.matmul(a.transposed(), b, transposeA: true).scalars == [58, 64, 139, 154])
        #expect(Tensor.matmul(a, b.transposed(), transposeB: true).scalars == [58, 64, 139, 154])
        let batched = Tensor.matmul(Tensor.stack([a, a * 2]), Tensor.stack([b, b]))
        #expect(batched.shape == [2, 2, 2] && batched.scalars == [58, 64, 139, 154, 116, 128, 278, 308])
    }

    @Test func linearAddsBias() {
        let x = Tensor(shape: [1, 2], [1, 2])
        let w = Tensor(shape: [3, 2], [1, 0, 0, 1, 1, 1])
        #expect(Tensor.linear(x, weight: w, bias: Tensor(shape: [3], [10, 20, 30])).scalars == [11, 22, 33])
    }

    @Test func broadcasting() {
        let col = Tensor(shape: [2, 1], [1, 2])
        let row = Tensor(shape: [3], [10, 20, 30])
        let sum = col + row
        #expect(sum.shape == [2, 3] && sum.scalars == [11, 21, 31, 12, 22, 32])
        #expect((row - Tensor(1)).scalars == [9, 19, 29])
        #expect((Tensor(shape: [2, 3], repeating: 6) / row).scalars.map { ($0 * 10).rounded() } == [6, 3, 2, 6, 3, 2])
    }

    @Test func reductions() {
        let x = Tensor(shape: [2, 3], [1, 5, 3, 4, 2, 6])
        #expect(x.sum().item == 21)
        #expect(x.sum(axis: 0).scalars == [5, 7, 9])
        #expect(x.sum(axis: 1, keepDim: true).shape == [2, 1])
        #expect(x.mean(axis: 1).scalars == [3, 4])
        #expect(x.max(axis: 1).scalars == [5, 6])
        #expect(x.max().item == 6)
    }

    @Test func softmaxAndCrossEntropy() {
        let logits = Tensor(shape: [2, 3], [1, 2, 3, 1000, 0, -1000])
        let p = logits.softmax()
        #expect(abs(p.sum(axis: 1).scalars[0] - 1) < 1e-6 && p.scalars[3] == 1)
        let logp = logits.logSoftmax()
        let expected = 1 - log(exp(1.0) + exp(2.0) + exp(3.0))
        #expect(abs(Double(logp.scalars[0]) - expected) < 1e-6)
        let loss = Tensor.crossEntropy(logits: logits, targets: [0, 1])
        #expect(abs(Double(loss.item) - (-expected + 1000) / 2) < 1e-3)
        let ignored = Tensor.crossEntropy(logits: logits, targets: [0, -100], ignoreIndex: -100)
        #expect(abs(Double(ignored.item) + expected) < 1e-6)
    }

    @Test func gatherAndShaping() {
        let w = Tensor(shape: [3, 2], [0, 1, 10, 11, 20, 21])
        let e = Tensor.embedding(w, indices: [2, 0], shape: [2])
        #expect(e.shape == [2, 2] && e.scalars == [20, 21, 0, 1])
        #expect(w.indexSelect(axis: 1, [1]).scalars == [1, 11, 21])
        let x = Tensor(shape: [2, 3], [1, 2, 3, 4, 5, 6])
        #expect(x.transposed().scalars == [1, 4, 2, 5, 3, 6])
        #expect(x.slice(axis: 1, 1..<3).scalars == [2, 3, 5, 6])
        #expect(Tensor.concat([x, x.slice(axis: 1, 0..<1)], axis: 1).scalars == [1, 2, 3, 1, 4, 5, 6, 4])
        #expect(Tensor.stack([x, x], axis: 0).shape == [2, 2, 3])
        #expect(x.reshaped([3, -1]).shape == [3, 2] && x.reshaped([3, 2]).storage === x.storage)
        let y = Tensor(shape: [2, 3, 4], (0..<24).map(Float.init)).permuted([2, 0, 1])
        #expect(y.shape == [4, 2, 3] && y[1, 1, 2] == 21)
        let causal = Tensor(shape: [2, 2], [0, 1, 0, 0])
        #expect(Tensor.ones([2, 2, 2]).maskedFill(causal, -.infinity).scalars[1] == -.infinity)
    }

    @Test func largeElementwiseWorkSplitsAcrossThreadsCorrectly() {
        let n = 1_000_003
        let x = Tensor(shape: [n], (0..<n).map { Float($0 % 1000) / 100 - 5 })
        let xs = x.scalars
        let ys = x.sigmoid().scalars
        for i in stride(from: 0, to: n, by: 9973) {
            #expect(abs(Double(ys[i]) - 1 / (1 + exp(-Double(xs[i])))) < 1e-6)
        }
        #expect((x + x).scalars[n - 1] == 2 * x.scalars[n - 1])
    }
}
