import NN
import Tensor
import Testing

@Suite struct AttentionTests {
    @Test func multiheadAttentionWithCausalMaskMatchesPyTorch() throws {
        let f = try Fixture("mha_causal")
        let mha = MultiheadAttention(embedDim: 8, numHeads: 2)
        #expect(mha.namedParameters().map(\.0) == ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"])
        mha.eval()
        let mask = MultiheadAttention.causalMask(5)
        try f.checkLayer(mha, inputs: [try f("input")]) { [mha($0[0], mask: mask)] }
    }

    @Test func multiheadAttentionOverAnotherSequenceMatchesPyTorch() throws {
        let f = try Fixture("mha_cross")
        let mha = MultiheadAttention(embedDim: 8, numHeads: 2)
        mha.eval()
        try f.checkLayer(mha, inputs: [try f("input"), try f("input.1")]) { i in
            [mha(query: i[0], key: i[1], value: i[1])]
        }
    }

    @Test func causalMaskBlocksTheFuture() {
        let mask = MultiheadAttention.causalMask(3)
        #expect(mask.scalars == [0, -.infinity, -.infinity, 0, 0, -.infinity, 0, 0, 0])
        // Changing a later position must not change earlier outputs.
        let rng = RandomGenerator(seed: 2)
        let mha = MultiheadAttention(embedDim: 4, numHeads: 2, generator: rng)
        let x = Tensor.normal([3, 1, 4], generator: rng)
        let before = mha(x, mask: mask).scalars
        x[2, 0, 1] += 5
        let after = mha(x, mask: mask).scalars
        #expect(Array(before[0..<8]) == Array(after[0..<8]))
        #expect(Array(before[8...]) != Array(after[8...]))
    }

    @Test func transformerEncoderLayerMatchesPyTorchInEvalMode() throws {
        let f = try Fixture("transformer_encoder_causal")
        let layer = TransformerEncoderLayer(dModel: 8, numHeads: 2, dimFeedforward: 16, dropout: 0.1)
        #expect(Set(layer.namedTensors().map(\.0)) == Set(f.stateDict.keys))
        layer.eval()
        let mask = MultiheadAttention.causalMask(5)
        try f.checkLayer(layer, inputs: [try f("input")]) { [layer($0[0], mask: mask)] }
    }

    @Test func positionalEncodingMatchesPyTorchInEvalMode() throws {
        let f = try Fixture("positional_encoding")
        let layer = PositionalEncoding(dModel: 8, dropout: 0.2, maxLen: 64)
        #expect(layer.namedTensors().map(\.0) == ["pe"] && layer.parameters().isEmpty)
        // Our own buffer, before the state dict overwrites it.
        f.expectClose(layer.pe.copy(), try f("param.pe"), 1e-5, "pe buffer", #_sourceLocation)
        #expect(PositionalEncoding(dModel: 8).pe.shape == [5000, 1, 8])
        layer.eval()
        try f.checkLayer(layer, inputs: [try f("input")]) { [layer($0[0])] }
    }

    @Test func gradcheckAttentionLayers() {
        let rng = RandomGenerator(seed: 6)
        let x = Tensor.normal([3, 2, 4], generator: rng)
        let mask = MultiheadAttention.causalMask(3)
        let mha = MultiheadAttention(embedDim: 4, numHeads: 2, generator: rng)
        let m = GradCheck.check([x] + mha.parameters(), eps: 1e-3) { _ in mha(x, mask: mask) }
        #expect(m.passed, "MultiheadAttention: \(m)")
        let norm = LayerNorm(4)
        let n = GradCheck.check([x] + norm.parameters(), eps: 1e-3) { _ in norm(x) }
        #expect(n.passed, "LayerNorm: \(n)")
        let layer = TransformerEncoderLayer(dModel: 4, numHeads: 2, dimFeedforward: 6, dropout: 0.1, generator: rng)
        layer.eval()
        let t = GradCheck.check([x] + layer.parameters(), eps: 1e-3) { _ in layer(x, mask: mask) }
        #expect(t.passed, "TransformerEncoderLayer: \(t)")
        let pos = PositionalEncoding(dModel: 4, maxLen: 10)
        pos.eval()
        let p = GradCheck.check([x]) { _ in pos(x) }
        #expect(p.passed, "PositionalEncoding: \(p)")
    }
}
