import Analysis
import Models
import Testing

@Suite struct ParameterCountTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let config: ModelConfig
        let expected: Int
        init(_ kind: ModelKind, vocab: Int, emsize: Int, nhid: Int, nlayers: Int, nhead: Int = 2, tied: Bool = false, _ expected: Int) {
            self.init(ModelConfig(kind: kind, vocabularySize: vocab, emsize: emsize, nhid: nhid, nlayers: nlayers, nhead: nhead, tied: tied),
                      expected)
        }
        init(_ config: ModelConfig, _ expected: Int) {
            self.config = config
            self.expected = expected
        }
        var testDescription: String { "\(config.kind.rawValue) \(config.emsize)/\(config.nhid)×\(config.nlayers)\(config.tied ? " tied" : "")" }
    }

    /// Totals printed by scripts/param_counts.py (PyTorch: sum(p.numel() for p in model.parameters())
    /// on the recipe's RNNModel / TransformerModel and scripts/zoo_torch.py's models).
    static let pytorchTotals: [Case] = [
        Case(.lstm, vocab: 10000, emsize: 200, nhid: 200, nlayers: 2, 4_653_200),
        Case(.lstm, vocab: 10000, emsize: 200, nhid: 200, nlayers: 2, tied: true, 2_653_200),
        Case(.gru, vocab: 10000, emsize: 200, nhid: 200, nlayers: 2, 4_492_400),
        Case(.gru, vocab: 5000, emsize: 100, nhid: 100, nlayers: 1, tied: true, 565_600),
        Case(.rnnTanh, vocab: 10000, emsize: 200, nhid: 200, nlayers: 2, 4_170_800),
        Case(.rnnTanh, vocab: 7596, emsize: 64, nhid: 128, nlayers: 3, 1_556_908),
        Case(.rnnRelu, vocab: 10000, emsize: 200, nhid: 200, nlayers: 2, 4_170_800),
        Case(.rnnRelu, vocab: 1000, emsize: 50, nhid: 50, nlayers: 1, tied: true, 56_100),
        Case(.transformer, vocab: 10000, emsize: 200, nhid: 200, nlayers: 2, 4_494_000),
        Case(.transformer, vocab: 33278, emsize: 256, nhid: 1024, nlayers: 4, nhead: 8, 20_230_654),
        Case(ModelConfig(kind: .nplm, vocabularySize: 10000, ngram: 4), 4_130_200),
        Case(ModelConfig(kind: .nplm, vocabularySize: 8000, emsize: 16, nhid: 128, ngram: 4, hiddenActivation: .linear), 1_166_272),
        Case(ModelConfig(kind: .nplm, vocabularySize: 5000, emsize: 100, nhid: 100, tied: true, ngram: 6), 555_100),
        Case(ModelConfig(kind: .gatedCNN, vocabularySize: 10000, kernelSize: 3), 4_490_800),
        Case(ModelConfig(kind: .gatedCNN, vocabularySize: 10000, emsize: 100, nhid: 100, nlayers: 10, kernelSize: 3), 2_612_000),
        Case(ModelConfig(kind: .gatedCNN, vocabularySize: 5000, emsize: 64, nhid: 128, nlayers: 3, kernelSize: 5), 1_375_368),
        Case(ModelConfig(kind: .gatedCNNRNN, vocabularySize: 10000, emsize: 100, nhid: 100, nlayers: 10, kernelSize: 3, rnnLayers: 2),
             2_773_600),
        Case(ModelConfig(kind: .gatedCNNRNN, vocabularySize: 10000, tied: true, kernelSize: 4, rnnLayers: 1), 2_972_400),
        Case(ModelConfig(kind: .attentionLSTM, vocabularySize: 10000, attentionWindow: 10), 4_733_400),
        Case(ModelConfig(kind: .attentionLSTM, vocabularySize: 10000, nlayers: 1, tied: true, attentionWindow: 5), 2_411_800),
        Case(ModelConfig(kind: .charCNN, vocabularySize: 10000, nhid: 300, nlayers: 2, characters: 51, maxWordLength: 21), 5_312_515),
        Case(ModelConfig(kind: .charCNN, vocabularySize: 7596, nhid: 200, nlayers: 1, charEmsize: 10, maxFilterWidth: 4,
                         featureMaps: 20, highwayLayers: 2, characters: 50, maxWordLength: 8), 2_015_896),
    ]

    @Test(arguments: pytorchTotals)
    func totalsMatchPyTorch(_ c: Case) throws {
        #expect(try ParameterCount(c.config).total == c.expected)
    }

    @Test func lstmTensorsHavePyTorchNamesAndShapes() throws {
        let count = try ParameterCount(ModelConfig(kind: .lstm, vocabularySize: 10, emsize: 4, nhid: 3, nlayers: 1))
        #expect(count.entries == [
            .init(name: "encoder.weight", shape: [10, 4], count: 40),
            .init(name: "rnn.weight_ih_l0", shape: [12, 4], count: 48),
            .init(name: "rnn.weight_hh_l0", shape: [12, 3], count: 36),
            .init(name: "rnn.bias_ih_l0", shape: [12], count: 12),
            .init(name: "rnn.bias_hh_l0", shape: [12], count: 12),
            .init(name: "decoder.weight", shape: [10, 3], count: 30),
            .init(name: "decoder.bias", shape: [10], count: 10),
        ])
    }

    @Test func tiedWeightIsCountedOnceAndBuffersNotAtAll() throws {
        let tied = try ParameterCount(ModelConfig(kind: .gru, vocabularySize: 10, emsize: 4, nhid: 4, nlayers: 1, tied: true))
        #expect(!tied.entries.contains { $0.name == "decoder.weight" })
        let transformer = try ParameterCount(ModelConfig(kind: .transformer, vocabularySize: 5, emsize: 8, nhid: 16, nlayers: 1))
        #expect(!transformer.entries.contains { $0.name.hasPrefix("pos_encoder") })
        #expect(transformer.total == 685)
    }

    @Test func impossibleConfigurationIsAnError() {
        #expect(throws: ModelConfigError.self) {
            try ParameterCount(ModelConfig(kind: .lstm, vocabularySize: 10, emsize: 4, nhid: 8, tied: true))
        }
    }
}
