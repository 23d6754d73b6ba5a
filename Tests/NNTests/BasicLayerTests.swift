import NN
import Tensor
import Testing

@Suite struct BasicLayerTests {
    @Test func linearMatchesPyTorch() throws {
        let f = try Fixture("linear")
        let layer = Linear(5, 3)
        try f.checkLayer(layer, inputs: [try f("input")]) { [layer($0[0])] }
    }

    @Test func linearWithoutBiasOnThreeAxes() throws {
        let f = try Fixture("linear_3d_nobias")
        let layer = Linear(5, 3, bias: false)
        #expect(layer.namedParameters().map(\.0) == ["weight"])
        try f.checkLayer(layer, inputs: [try f("input")]) { [layer($0[0])] }
    }

    @Test func embeddingMatchesPyTorch() throws {
        let f = try Fixture("embedding")
        let layer = Embedding(7, 4)
        let (indices, shape) = try f.indices("input")
        try f.checkLayer(layer, inputs: []) { _ in [layer(indices, shape: shape)] }
    }

    @Test func gradcheckLinearAndEmbedding() {
        let rng = RandomGenerator(seed: 3)
        let linear = Linear(4, 3, generator: rng)
        let x = Tensor.normal([2, 4], generator: rng)
        let result = GradCheck.check([x, linear.weight, linear.bias!]) { _ in linear(x) }
        #expect(result.passed, "\(result)")
        let embedding = Embedding(5, 3, generator: rng)
        let e = GradCheck.check([embedding.weight]) { _ in embedding([4, 0, 4], shape: [3]) }
        #expect(e.passed, "\(e)")
    }

    @Test func dropoutFollowsTrainingMode() {
        let dropout = Dropout(0.5, generator: RandomGenerator(seed: 1))
        let x = Tensor.ones([1000])
        #expect(dropout(x).scalars.contains(0))
        dropout.eval()
        #expect(dropout(x) === x)
    }
}
