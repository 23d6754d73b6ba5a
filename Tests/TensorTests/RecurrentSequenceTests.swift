import Foundation
import Tensor
import Testing

/// The fused recurrent sequence ops against central differences, with hidden sizes that leave a
/// SIMD tail (5) and that fill one vector and a tail (9).
@Suite struct RecurrentSequenceTests {
    @Test(arguments: [5, 9])
    func gradcheckLSTMSequenceOutputAndCell(hidden: Int) {
        let rng = RandomGenerator(seed: UInt64(hidden))
        let xp = Tensor.normal([4, 2, 4 * hidden], generator: rng)
        let w = Tensor.normal([4 * hidden, hidden], std: 0.5, generator: rng)
        let h0 = Tensor.normal([2, hidden], generator: rng)
        let c0 = Tensor.normal([2, hidden], generator: rng)
        let result = GradCheck.check([xp, w, h0, c0]) { i in
            let (out, cell) = Tensor.lstmSequence(inputProjection: i[0], weightHH: i[1], h0: i[2], c0: i[3])
            return Tensor.concat([out.reshaped([-1]), cell.reshaped([-1])], axis: 0)
        }
        #expect(result.passed, "\(result)")
    }

    @Test(arguments: [5, 9])
    func gradcheckGRUSequence(hidden: Int) {
        let rng = RandomGenerator(seed: UInt64(hidden) + 1)
        let xp = Tensor.normal([4, 2, 3 * hidden], generator: rng)
        let w = Tensor.normal([3 * hidden, hidden], std: 0.5, generator: rng)
        let b = Tensor.normal([3 * hidden], generator: rng)
        let h0 = Tensor.normal([2, hidden], generator: rng)
        let result = GradCheck.check([xp, w, b, h0]) { i in
            Tensor.gruSequence(inputProjection: i[0], weightHH: i[1], biasHH: i[2], h0: i[3])
        }
        #expect(result.passed, "\(result)")
    }

    @Test(arguments: [false, true])
    func gradcheckRNNSequence(relu: Bool) {
        let rng = RandomGenerator(seed: relu ? 3 : 4)
        let xp = Tensor.normal([4, 2, 9], generator: rng)
        let w = Tensor.normal([9, 9], std: 0.3, generator: rng)
        let h0 = Tensor.normal([2, 9], generator: rng)
        let result = GradCheck.check([xp, w, h0], eps: 1e-3) { i in
            Tensor.rnnSequence(inputProjection: i[0], weightHH: i[1], h0: i[2], relu: relu)
        }
        #expect(result.passed, "\(result)")
    }

    @Test func lstmSequenceMatchesItsStepEquations() {
        let rng = RandomGenerator(seed: 11)
        let xp = Tensor.normal([1, 1, 4], generator: rng)
        let w = Tensor.normal([4, 1], generator: rng)
        let h0 = Tensor(shape: [1, 1], [0.5])
        let c0 = Tensor(shape: [1, 1], [-0.25])
        let (out, cell) = Tensor.lstmSequence(inputProjection: xp, weightHH: w, h0: h0, c0: c0)
        func sigmoid(_ v: Float) -> Float { 1 / (1 + _exp(-v)) }
        let pre = (0..<4).map { xp.scalars[$0] + w.scalars[$0] * 0.5 }
        let c = sigmoid(pre[1]) * -0.25 + sigmoid(pre[0]) * _tanh(pre[2])
        #expect(abs(cell.item - c) < 1e-6)
        #expect(abs(out.item - sigmoid(pre[3]) * _tanh(c)) < 1e-6)
    }
}

private func _exp(_ x: Float) -> Float { Float(Foundation.exp(Double(x))) }
private func _tanh(_ x: Float) -> Float { Float(Foundation.tanh(Double(x))) }
