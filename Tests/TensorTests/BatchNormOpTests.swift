import Tensor
import Testing

/// The fused batch-norm op against central differences and against its definition.
@Suite struct BatchNormOpTests {
    let rng = RandomGenerator(seed: 23)

    @Test(arguments: [[6, 3], [4, 3, 5], [2, 3, 2, 3]])
    func gradientsWithAndWithoutAffine(_ shape: [Int]) {
        let x = Tensor.normal(shape, mean: 0.5, std: 2, generator: rng)
        let weight = Tensor.uniform([3], low: 0.5, high: 1.5, generator: rng)
        let bias = Tensor.normal([3], generator: rng)
        let affine = GradCheck.check([x, weight, bias]) { Tensor.batchNorm($0[0], weight: $0[1], bias: $0[2], eps: 1e-5).output }
        #expect(affine.passed, "\(affine)")
        let plain = GradCheck.check([x]) { Tensor.batchNorm($0[0], weight: nil, bias: nil, eps: 1e-5).output }
        #expect(plain.passed, "\(plain)")
    }

    @Test func normalisesEachChannelWithItsBiasedStatistics() {
        let x = Tensor.normal([3, 2, 4], mean: 1, std: 3, generator: rng)
        let (y, mean, variance) = Tensor.batchNorm(x, weight: nil, bias: nil, eps: 1e-5)
        for c in 0..<2 {
            let values = (0..<3).flatMap { n in (0..<4).map { x[n, c, $0] } }
            let mu = values.reduce(0, +) / Float(values.count)
            let sigma2 = values.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Float(values.count)
            #expect(abs(mean[c] - mu) < 1e-5 && abs(variance[c] - sigma2) < 1e-4)
            let normalized = (0..<3).flatMap { n in (0..<4).map { y[n, c, $0] } }
            for (v, z) in zip(values, normalized) {
                #expect(abs(z - (v - mu) / (sigma2 + 1e-5).squareRoot()) < 1e-5)
            }
        }
    }
}
