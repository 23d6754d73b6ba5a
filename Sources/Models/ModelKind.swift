import NN
import Tensor

/// The model kinds, spelled as the `--model` flag: the recipe's five and the seeds' other language
/// models. What a kind is (its flags, checks, factory, parameter count) is its `spec`, declared in
/// the kind's own file; this enum only names them.
public enum ModelKind: String, CaseIterable, Codable, Sendable {
    case rnnTanh = "RNN_TANH"
    case rnnRelu = "RNN_RELU"
    case lstm = "LSTM"
    case gru = "GRU"
    case transformer = "Transformer"
    case nplm = "NPLM"
    case gatedCNN = "GatedCNN"
    case gatedCNNRNN = "GatedCNN_RNN"
    case charCNN = "CharCNN"
    case attentionLSTM = "AttentionLSTM"

    /// The kind's declaration.
    public var spec: ModelKindSpec {
        switch self {
        case .rnnTanh: RNNModel.tanhSpec
        case .rnnRelu: RNNModel.reluSpec
        case .lstm: RNNModel.lstmSpec
        case .gru: RNNModel.gruSpec
        case .transformer: TransformerModel.spec
        case .nplm: NPLMModel.spec
        case .gatedCNN: GatedCNNModel.spec
        case .gatedCNNRNN: GatedCNNModel.rnnSpec
        case .charCNN: CharCNNModel.spec
        case .attentionLSTM: AttentionLSTMModel.spec
        }
    }
}

/// The configuration fields only some kinds read (nil for the others), with their flags.
public enum ModelOption: String, CaseIterable, Sendable {
    case ngram, hiddenActivation, kernelSize, rnnLayers, attentionWindow, charEmsize, maxFilterWidth, featureMaps
    case highwayLayers, characters, maxWordLength

    /// The flag that sets it (or, for what the data sets, a description).
    public var flag: String {
        switch self {
        case .ngram: "--ngram"
        case .hiddenActivation: "--hidden-act"
        case .kernelSize: "--kernel-size"
        case .rnnLayers: "--rnn-layers"
        case .attentionWindow: "--attention-window"
        case .charEmsize: "--char-emsize"
        case .maxFilterWidth: "--max-filter-width"
        case .featureMaps: "--feature-maps"
        case .highwayLayers: "--highway-layers"
        case .characters: "characters"
        case .maxWordLength: "max word length"
        }
    }

    func isSet(in c: ModelConfig) -> Bool {
        switch self {
        case .ngram: c.ngram != nil
        case .hiddenActivation: c.hiddenActivation != nil
        case .kernelSize: c.kernelSize != nil
        case .rnnLayers: c.rnnLayers != nil
        case .attentionWindow: c.attentionWindow != nil
        case .charEmsize: c.charEmsize != nil
        case .maxFilterWidth: c.maxFilterWidth != nil
        case .featureMaps: c.featureMaps != nil
        case .highwayLayers: c.highwayLayers != nil
        case .characters: c.characters != nil
        case .maxWordLength: c.maxWordLength != nil
        }
    }

    /// Sets the field to its value, its default where nil (what the data sets has no default).
    func resolve(_ c: inout ModelConfig) {
        switch self {
        case .ngram: c.ngram = c.ngramOrder
        case .hiddenActivation: c.hiddenActivation = c.nplmActivation
        case .kernelSize: c.kernelSize = c.convolutionWidth
        case .rnnLayers: c.rnnLayers = c.recurrentLayers
        case .attentionWindow: c.attentionWindow = c.attentionSpan
        case .charEmsize: c.charEmsize = c.characterEmsize
        case .maxFilterWidth: c.maxFilterWidth = c.filterWidths.upperBound
        case .featureMaps: c.featureMaps = c.mapsPerWidth
        case .highwayLayers: c.highwayLayers = c.highwayCount
        case .characters, .maxWordLength: break
        }
    }
}

/// One model kind's declaration: the fields it reads beyond the common ones, its own checks,
/// whether its decoder can share the embedding, how to build it and how many parameters it has.
/// Each kind's file declares its spec; `ModelKind.spec` lists them; the rest reads from there.
public struct ModelKindSpec: Sendable {
    /// Whether `--tied` fits the kind.
    public enum Tying: Sendable {
        /// The decoder shares the embedding; needs nhid == emsize.
        case equalSizes
        /// Not available; the message says why.
        case unsupported(String)
    }

    /// The kind-specific fields it reads.
    public let options: [ModelOption]
    public let tying: Tying
    /// Its own checks of a configuration (the common ones done): a one-line problem or nil.
    let problem: @Sendable (ModelConfig) -> String?
    /// Builds it from a validated, resolved configuration (`words` spell the vocabulary).
    let make: @Sendable (ModelConfig, [String]?, RandomGenerator) -> any LanguageModel
    /// Trainable scalars of a resolved configuration, counted without building the model (a tied
    /// weight once, as PyTorch's `sum(p.numel() for p in model.parameters())`).
    public let parameterCount: @Sendable (ModelConfig) -> Int

    public init(
        options: [ModelOption] = [], tying: Tying = .equalSizes,
        problem: @escaping @Sendable (ModelConfig) -> String? = { _ in nil },
        make: @escaping @Sendable (ModelConfig, [String]?, RandomGenerator) -> any LanguageModel,
        parameterCount: @escaping @Sendable (ModelConfig) -> Int
    ) {
        (self.options, self.tying, self.problem) = (options, tying, problem)
        (self.make, self.parameterCount) = (make, parameterCount)
    }
}

extension ModelConfig {
    /// Trainable scalars of this configuration, counted without allocating the model.
    public var parameterCount: Int { kind.spec.parameterCount(resolved()) }

    /// The recipe's embedding and decoder: V·emsize, plus nhid·V (unless tied) and V biases.
    var embeddingAndDecoderParameters: Int {
        vocabularySize * emsize + (tied ? 0 : nhid * vocabularySize) + vocabularySize
    }
}

/// Scalars of a stacked recurrent layer with `gates` gate blocks (1 plain, 3 GRU, 4 LSTM), both bias vectors.
func recurrentParameters(gates: Int, input: Int, hidden: Int, layers: Int) -> Int {
    (0..<layers).reduce(0) { sum, l in sum + gates * hidden * ((l == 0 ? input : hidden) + hidden + 2) }
}

/// Builds the model `config` describes (validated first, kind-specific fields resolved to their
/// defaults). `words` (the vocabulary, id order) spell the CharCNN's words; without them its
/// character table is left empty, to be filled by a state dict.
public func makeLanguageModel(_ config: ModelConfig, words: [String]? = nil, generator: RandomGenerator = .global)
    throws(ModelConfigError) -> any LanguageModel
{
    try config.validate()
    return config.kind.spec.make(config.resolved(), words, generator)
}
