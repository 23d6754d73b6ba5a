import Foundation
import Models
import Tensor
import Testing

/// What every model kind must have: a PyTorch fixture, a parameter count checked against PyTorch's,
/// and a PyTorch twin in scripts/. Adding a kind without them fails here (CONTRIBUTING.md lists
/// the files a new kind touches).
@Suite struct ModelKindTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let config: ModelConfig
        let expected: Int
        init(
            _ kind: ModelKind, vocab: Int, emsize: Int, nhid: Int, nlayers: Int, nhead: Int? = nil, tied: Bool = false,
            _ expected: Int
        ) {
            self.init(
                ModelConfig(
                    kind: kind, vocabularySize: vocab, emsize: emsize, nhid: nhid, nlayers: nlayers, nhead: nhead, tied: tied),
                expected)
        }
        init(_ config: ModelConfig, _ expected: Int) {
            self.config = config
            self.expected = expected
        }
        var testDescription: String {
            "\(config.kind.rawValue) \(config.emsize)/\(config.nhid)×\(config.nlayers)\(config.tied ? " tied" : "")"
                + (config.context.map { " context \($0.rawValue)" } ?? "")
                + (config.adaptiveSoftmax.map { " adaptive \($0.cutoffs)/\($0.divValue)" } ?? "")
        }
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
        Case(ModelConfig(kind: .lstm, vocabularySize: 10000, context: .previousSentence), 6_653_200),
        Case(
            ModelConfig(kind: .gru, vocabularySize: 5000, emsize: 100, nhid: 100, nlayers: 1, context: .previousSentence),
            1_565_600),
        Case(
            ModelConfig(kind: .rnnTanh, vocabularySize: 7596, emsize: 64, nhid: 128, nlayers: 3, context: .previousSentence),
            2_043_052),
        // --adaptive: nn.AdaptiveLogSoftmaxWithLoss as the decoder.
        Case(
            ModelConfig(
                kind: .lstm, vocabularySize: 10000, adaptiveSoftmax: AdaptiveSoftmaxConfig(cutoffs: [2000, 6000], divValue: 4)),
            3_304_000),
        Case(
            ModelConfig(
                kind: .gru, vocabularySize: 30000, adaptiveSoftmax: AdaptiveSoftmaxConfig(cutoffs: [2000, 20000], divValue: 4)),
            7_915_200),
        Case(
            ModelConfig(
                kind: .rnnRelu, vocabularySize: 5000, emsize: 64, nhid: 96, nlayers: 1,
                adaptiveSoftmax: AdaptiveSoftmaxConfig(cutoffs: [100, 1000, 3000], divValue: 2)), 468_704),
        Case(
            ModelConfig(
                kind: .transformer, vocabularySize: 10000, adaptiveSoftmax: AdaptiveSoftmaxConfig(cutoffs: [2000], divValue: 4)),
            3_294_200),
        Case(.transformer, vocab: 10000, emsize: 200, nhid: 200, nlayers: 2, 4_494_000),
        Case(.transformer, vocab: 33278, emsize: 256, nhid: 1024, nlayers: 4, nhead: 8, 20_230_654),
        Case(ModelConfig(kind: .nplm, vocabularySize: 10000, ngram: 4), 4_130_200),
        Case(
            ModelConfig(kind: .nplm, vocabularySize: 8000, emsize: 16, nhid: 128, ngram: 4, hiddenActivation: .linear), 1_166_272),
        Case(ModelConfig(kind: .nplm, vocabularySize: 5000, emsize: 100, nhid: 100, tied: true, ngram: 6), 555_100),
        // Report 004's recurrent 4-gram model (emsize 16, 128 hidden units).
        Case(ModelConfig(kind: .ngramRNN, vocabularySize: 8000, emsize: 16, nhid: 128, nlayers: 1, ngram: 4), 1_178_688),
        Case(ModelConfig(kind: .ngramRNN, vocabularySize: 10000, ngram: 5, backpropSteps: 2), 4_170_800),
        Case(
            ModelConfig(kind: .ngramRNN, vocabularySize: 5000, emsize: 64, nhid: 64, nlayers: 1, tied: true, ngram: 3), 333_320),
        Case(ModelConfig(kind: .gatedCNN, vocabularySize: 10000, kernelSize: 3), 4_490_800),
        Case(ModelConfig(kind: .gatedCNN, vocabularySize: 10000, emsize: 100, nhid: 100, nlayers: 10, kernelSize: 3), 2_612_000),
        Case(ModelConfig(kind: .gatedCNN, vocabularySize: 5000, emsize: 64, nhid: 128, nlayers: 3, kernelSize: 5), 1_375_368),
        Case(
            ModelConfig(
                kind: .gatedCNNRNN, vocabularySize: 10000, emsize: 100, nhid: 100, nlayers: 10, kernelSize: 3, rnnLayers: 2),
            2_773_600),
        Case(ModelConfig(kind: .gatedCNNRNN, vocabularySize: 10000, tied: true, kernelSize: 4, rnnLayers: 1), 2_972_400),
        Case(ModelConfig(kind: .attentionLSTM, vocabularySize: 10000, attentionWindow: 10), 4_733_400),
        Case(ModelConfig(kind: .attentionLSTM, vocabularySize: 10000, nlayers: 1, tied: true, attentionWindow: 5), 2_411_800),
        Case(
            ModelConfig(kind: .charCNN, vocabularySize: 10000, nhid: 300, nlayers: 2, characters: 51, maxWordLength: 21),
            5_312_515),
        Case(
            ModelConfig(
                kind: .charCNN, vocabularySize: 7596, nhid: 200, nlayers: 1, charEmsize: 10, maxFilterWidth: 4,
                featureMaps: 20, highwayLayers: 2, characters: 50, maxWordLength: 8), 2_015_896),
        Case(
            ModelConfig(kind: .gpt, vocabularySize: 65, emsize: 384, nlayers: 6, nhead: 6, blockSize: 256, bias: false),
            10_745_088),
        Case(
            ModelConfig(kind: .gpt, vocabularySize: 50304, emsize: 768, nlayers: 12, nhead: 12, blockSize: 1024, bias: true),
            124_475_904)
    ]

    /// Counted from the configuration and from the built model (a tied weight once, frozen ones
    /// included, buffers not), both equal to PyTorch's.
    @Test(arguments: pytorchTotals)
    func totalsMatchPyTorch(_ c: Case) throws {
        #expect(c.config.parameterCount == c.expected)
        #expect(try makeLanguageModel(c.config, generator: RandomGenerator(seed: 0)).parameterCount == c.expected)
    }

    /// The state dict the spec declares from the configuration alone is the built model's: names,
    /// shapes and order of every tensor, and which of them are parameters (a tied weight once).
    @Test(arguments: pytorchTotals)
    func declaredTensorsAreTheBuiltModels(_ c: Case) throws {
        let model = try makeLanguageModel(c.config, generator: RandomGenerator(seed: 0))
        let declared = c.config.tensorDeclarations
        #expect(declared.map(\.name) == model.namedTensors().map(\.0))
        #expect(declared.map(\.shape) == model.namedTensors().map(\.1.shape))
        #expect(declared.filter { $0.role == .parameter }.map(\.name) == model.namedParameters().map(\.0))
        #expect(
            c.config.scalarCount == model.parameterCount
                + model.namedTensors().filter { !$0.1.requiresGrad }.reduce(0) { $0 + $1.1.count })
    }

    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts")
        .standardized

    static func script(_ name: String) throws -> String {
        try String(contentsOf: scripts.appendingPathComponent(name), encoding: .utf8)
    }

    @Test(arguments: ModelKind.allCases)
    func hasAFixture(_ kind: ModelKind) throws {
        let kinds = try ModelFixture.all.map { try ModelFixture($0).config.kind }
        #expect(
            kinds.contains(kind),
            "no fixture in Tests/ModelsTests/Fixtures for \(kind.rawValue) (scripts/fixtures/models.py writes them)")
    }

    @Test(arguments: ModelKind.allCases)
    func hasAParameterCountCheckedAgainstPyTorch(_ kind: ModelKind) {
        #expect(
            Self.pytorchTotals.contains { $0.config.kind == kind },
            "no PyTorch parameter total for \(kind.rawValue) (scripts/param_counts.py prints them)")
    }

    @Test(arguments: ModelKind.allCases)
    func hasAPyTorchTwin(_ kind: ModelKind) throws {
        let quoted = "\"\(kind.rawValue)\""
        // make_model in recipe_torch.py builds every kind of its KINDS tuple.
        let recipe = try Self.script("recipe_torch.py")
        let kinds = recipe.range(of: "KINDS = (").map { recipe[$0.upperBound...].prefix { $0 != ")" } } ?? ""
        #expect(kinds.contains(quoted), "scripts/recipe_torch.py's KINDS lacks \(kind.rawValue)")
        #expect(
            try Self.script("param_counts.py").contains("ModelConfig(\(quoted)"),
            "scripts/param_counts.py has no \(kind.rawValue) configuration")
    }

    @Test(arguments: ModelKind.allCases)
    func optionsOfOtherKindsAreRefused(_ kind: ModelKind) {
        for option in ModelOption.allCases where !kind.spec.options.contains(option) {
            var config = ModelConfig(kind: kind, vocabularySize: 10, emsize: 4, nhid: 4, nlayers: 1, dropout: 0)
            switch option {
            case .nhead: config.nhead = 2
            case .ngram: config.ngram = 3
            case .hiddenActivation: config.hiddenActivation = .linear
            case .kernelSize: config.kernelSize = 3
            case .rnnLayers: config.rnnLayers = 1
            case .attentionWindow: config.attentionWindow = 2
            case .charEmsize: config.charEmsize = 3
            case .maxFilterWidth: config.maxFilterWidth = 2
            case .featureMaps: config.featureMaps = 2
            case .highwayLayers: config.highwayLayers = 1
            case .characters: config.characters = 5
            case .maxWordLength: config.maxWordLength = 4
            case .blockSize: config.blockSize = 8
            case .bias: config.bias = true
            case .finalNorm: config.finalNorm = true
            case .backpropSteps: config.backpropSteps = 1
            case .context: config.context = .previousSentence
            case .adaptive: config.adaptiveSoftmax = AdaptiveSoftmaxConfig(cutoffs: [2])
            }
            #expect(throws: ModelConfigError.self, "\(option.flag) accepted by \(kind.rawValue)") { try config.validate() }
        }
    }
}
