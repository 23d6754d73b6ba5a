import Tensor
import Testing

/// The fused layer-norm op against central differences and against its definition.
@Suite struct LayerNormOpTests {
    let rng = RandomGenerator(seed: 29)

    @Test(arguments: [[2, 5], [3, 2, 4], [1, 7], [130, 6]])
    func gradientsWithAndWithoutAffine(_ shape: [Int]) {
        let size = shape.last ?? 1
        let x = Tensor.normal(shape, mean: 0.5, std: 2, generator: rng)
        let weight = Tensor.uniform([size], low: 0.5, high: 1.5, generator: rng)
        let bias = Tensor.normal([size], generator: rng)
        let affine = GradCheck.check([x, weight, bias]) {
            Tensor.layerNorm($0[0], size: size, weight: $0[1], bias: $0[2], eps: 1e-5)
        }
        #expect(affine.passed, "\(affine)")
        let plain = GradCheck.check([x]) { Tensor.layerNorm($0[0], size: size, weight: nil, bias: nil, eps: 1e-5) }
        #expect(plain.passed, "\(plain)")
    }

    @Test func normalisesEachRowWithItsBiasedStatistics() {
        let x = Tensor.normal([3, 6], mean: 1, std: 3, generator: rng)
        let weight = Tensor.uniform([6], low: 0.5, high: 1.5, generator: rng)
        let bias = Tensor.normal([6], generator: rng)
        let y = Tensor.layerNorm(x, size: 6, weight: weight, bias: bias, eps: 1e-5)
        for r in 0..<3 {
            let values = (0..<6).map { x[r, $0] }
            let mu = values.reduce(0, +) / 6
            let sigma2 = values.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / 6
            for i in 0..<6 {
                let expected = (values[i] - mu) / (sigma2 + 1e-5).squareRoot() * weight[i] + bias[i]
                #expect(abs(y[r, i] - expected) < 1e-5)
            }
        }
    }
}
