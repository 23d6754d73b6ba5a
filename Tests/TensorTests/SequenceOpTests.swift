import Tensor
import Testing

/// The sequence-model ops: sliding windows over time and the gated linear unit.
@Suite struct SequenceOpTests {
    let rng = RandomGenerator(seed: 17)

    @Test func slidingWindowsConcatenatesConsecutiveStepsOldestFirst() {
        // x[t, b, f] = 100·t + 10·b + f
        var values: [Float] = []
        for t in 0..<4 { for b in 0..<2 { for f in 0..<2 { values.append(Float(100 * t + 10 * b + f)) } } }
        let x = Tensor(shape: [4, 2, 2], values)
        let w = x.slidingWindows(width: 3)
        #expect(w.shape == [2, 2, 6])
        #expect(Array(w.scalars[0..<6]) == [0, 1, 100, 101, 200, 201])  // t = 0, b = 0
        #expect(Array(w.scalars[18..<24]) == [110, 111, 210, 211, 310, 311])  // t = 1, b = 1
        #expect(x.slidingWindows(width: 1).scalars == x.scalars)
    }

    @Test func slidingWindowsGradient() {
        let result = GradCheck.check([Tensor.normal([5, 3, 4], generator: rng)]) { $0[0].slidingWindows(width: 3) }
        #expect(result.passed, "\(result)")
    }

    @Test func gluIsFirstHalfTimesSigmoidOfSecond() {
        let x = Tensor(shape: [2, 4], [1, 2, 0, 100, -3, 4, -100, 0])
        let y = x.glu()
        #expect(y.shape == [2, 2])
        let expected: [Float] = [0.5, 2, 0, 2]
        for (a, b) in zip(y.scalars, expected) { #expect(abs(a - b) < 1e-6) }
    }

    @Test func gluGradient() {
        for shape in [[3, 34], [2, 3, 6]] {  // 17-wide halves exercise the SIMD tail
            let result = GradCheck.check([Tensor.normal(shape, generator: rng)]) { $0[0].glu() }
            #expect(result.passed, "\(shape): \(result)")
        }
    }
}
