import Analysis
import Models
import Testing

@Suite struct ParameterCountTests {
    // The totals against PyTorch's, for every kind: Tests/ModelsTests/ModelKindTests.swift.

    @Test func lstmTensorsHavePyTorchNamesAndShapes() throws {
        let count = try ParameterCount(ModelConfig(kind: .lstm, vocabularySize: 10, emsize: 4, nhid: 3, nlayers: 1))
        #expect(
            count.entries == [
                .init(name: "encoder.weight", shape: [10, 4], count: 40),
                .init(name: "rnn.weight_ih_l0", shape: [12, 4], count: 48),
                .init(name: "rnn.weight_hh_l0", shape: [12, 3], count: 36),
                .init(name: "rnn.bias_ih_l0", shape: [12], count: 12),
                .init(name: "rnn.bias_hh_l0", shape: [12], count: 12),
                .init(name: "decoder.weight", shape: [10, 3], count: 30),
                .init(name: "decoder.bias", shape: [10], count: 10)
            ])
    }

    @Test func tiedWeightIsCountedOnceAndBuffersNotAtAll() throws {
        let tied = try ParameterCount(ModelConfig(kind: .gru, vocabularySize: 10, emsize: 4, nhid: 4, nlayers: 1, tied: true))
        #expect(!tied.entries.contains { $0.name == "decoder.weight" })
        let transformer = try ParameterCount(ModelConfig(kind: .transformer, vocabularySize: 5, emsize: 8, nhid: 16, nlayers: 1))
        #expect(!transformer.entries.contains { $0.name.hasPrefix("pos_encoder") })
        #expect(transformer.total == 685)
    }

    /// Counted from the configuration: a model far larger than memory is listed without being built.
    @Test func aModelTooLargeToBuildIsStillCounted() throws {
        let config = ModelConfig(kind: .lstm, vocabularySize: 10000, emsize: 200, nhid: 1 << 19, nlayers: 2)
        let count = try ParameterCount(config)
        #expect(count.total == config.parameterCount)
        #expect(count.entries.first { $0.name == "rnn.weight_hh_l1" }?.shape == [4 << 19, 1 << 19])
        #expect(
            count.total == 10000 * 200 + 4 * (1 << 19) * (200 + (1 << 19) + 2) + 4 * (1 << 19) * 2 * ((1 << 19) + 1) + (1 << 19)
                * 10000 + 10000)
    }

    @Test func impossibleConfigurationIsAnError() {
        #expect(throws: ModelConfigError.self) {
            try ParameterCount(ModelConfig(kind: .lstm, vocabularySize: 10, emsize: 4, nhid: 8, tied: true))
        }
    }
}
