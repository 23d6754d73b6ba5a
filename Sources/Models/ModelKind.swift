import Foundation
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
    case gpt = "GPT"
    case ngramRNN = "NGRAM_RNN"

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
        case .gpt: GPTModel.spec
        case .ngramRNN: NGramRNNModel.spec
        }
    }
}

/// The configuration fields only some kinds read (nil for the others), with their flags.
public enum ModelOption: String, CaseIterable, Sendable {
    case nhead, ngram, hiddenActivation, kernelSize, rnnLayers, attentionWindow, charEmsize, maxFilterWidth, featureMaps
    case highwayLayers, characters, maxWordLength, blockSize, bias, finalNorm, backpropSteps, context, adaptive

    /// The flag that sets it (or, for what the data sets, a description).
    public var flag: String {
        switch self {
        case .nhead: "--nhead"
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
        case .blockSize: "--block-size"
        case .bias: "--bias"
        case .finalNorm: "--final-norm"
        case .backpropSteps: "--backprop-steps"
        case .context: "--context"
        case .adaptive: "--adaptive"
        }
    }

    func isSet(in c: ModelConfig) -> Bool {
        switch self {
        case .nhead: c.nhead != nil
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
        case .blockSize: c.blockSize != nil
        case .bias: c.bias != nil
        case .finalNorm: c.finalNorm != nil
        case .backpropSteps: c.backpropSteps != nil
        case .context: c.context != nil
        case .adaptive: c.adaptiveSoftmax != nil
        }
    }

    /// Sets the field to its value, its default where nil (what the data sets has no default).
    func resolve(_ c: inout ModelConfig) {
        switch self {
        case .nhead: c.nhead = c.attentionHeads
        case .ngram: c.ngram = c.ngramOrder
        case .hiddenActivation: c.hiddenActivation = c.nplmActivation
        case .kernelSize: c.kernelSize = c.convolutionWidth
        case .rnnLayers: c.rnnLayers = c.recurrentLayers
        case .attentionWindow: c.attentionWindow = c.attentionSpan
        case .charEmsize: c.charEmsize = c.characterEmsize
        case .maxFilterWidth: c.maxFilterWidth = c.widestFilter
        case .featureMaps: c.featureMaps = c.mapsPerWidth
        case .highwayLayers: c.highwayLayers = c.highwayCount
        case .blockSize: c.blockSize = c.contextSize
        case .bias: c.bias = c.hasBiases
        case .characters, .maxWordLength: break
        // Only `true` is spelled out: a configuration without the norm encodes as it always did.
        case .finalNorm: c.finalNorm = c.hasFinalNorm ? true : nil
        case .backpropSteps: c.backpropSteps = c.gradientSteps
        // Likewise only a context is spelled out: a plain model's configuration is unchanged.
        case .context: c.context = c.sentenceContext == .none ? nil : c.sentenceContext
        // Nil is the linear decoder; there is nothing to fill in.
        case .adaptive: break
        }
    }
}

/// One tensor of a model's state dict, described from the configuration alone: its PyTorch name,
/// its shape, and whether it is a trainable parameter, a buffer, or a second name of a parameter
/// listed before it (a tied decoder weight: saved under both names, counted once).
public struct TensorDeclaration: Equatable, Sendable {
    public enum Role: Equatable, Sendable {
        case parameter, buffer, tied
    }

    public let name: String
    public let shape: [Int]
    public let role: Role

    public init(_ name: String, _ shape: [Int], _ role: Role = .parameter) {
        (self.name, self.shape, self.role) = (name, shape, role)
    }

    /// Scalars in the tensor (saturating at Int.max, so an unvalidated shape never traps).
    public var count: Int {
        shape.reduce(1) { product, size in
            let (result, overflow) = product.multipliedReportingOverflow(by: Swift.max(size, 0))
            return overflow ? .max : result
        }
    }
}

/// One model kind's declaration: the fields it reads beyond the common ones, its own checks,
/// whether its decoder can share the embedding, how to build it, and its tensors (names and
/// shapes, hence its parameter count). Each kind's file declares its spec; `ModelKind.spec` lists
/// them; the rest reads from there.
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
    /// Its own checks of a configuration (the common ones done): a one-line problem or nil. It
    /// checks the kind's numbers against `ModelConfig.Limits` before computing with them.
    let problem: @Sendable (ModelConfig) -> String?
    /// Builds it from a validated, resolved configuration (`words` spell the vocabulary).
    let make: @Sendable (ModelConfig, [String]?, RandomGenerator) -> any LanguageModel
    /// The state dict of a validated, resolved configuration, in the order the built model's
    /// `namedTensors()` lists it, worked out without building anything.
    public let tensors: @Sendable (ModelConfig) -> [TensorDeclaration]

    public init(
        options: [ModelOption] = [], tying: Tying = .equalSizes,
        problem: @escaping @Sendable (ModelConfig) -> String? = { _ in nil },
        make: @escaping @Sendable (ModelConfig, [String]?, RandomGenerator) -> any LanguageModel,
        tensors: @escaping @Sendable (ModelConfig) -> [TensorDeclaration]
    ) {
        (self.options, self.tying, self.problem) = (options, tying, problem)
        (self.make, self.tensors) = (make, tensors)
    }

    /// Trainable scalars of a validated, resolved configuration, counted without building the
    /// model (a tied weight once, buffers not: PyTorch's `sum(p.numel() for p in model.parameters())`).
    public func parameterCount(_ config: ModelConfig) -> Int {
        saturatingSum(tensors(config).filter { $0.role == .parameter }.map(\.count))
    }
}

/// Σ `counts`, saturating at Int.max.
func saturatingSum(_ counts: [Int]) -> Int {
    counts.reduce(0) { sum, count in
        let (result, overflow) = sum.addingReportingOverflow(count)
        return overflow ? .max : result
    }
}

extension ModelConfig {
    /// The state dict this configuration describes (names, shapes, roles), without building it.
    public var tensorDeclarations: [TensorDeclaration] { kind.spec.tensors(resolved()) }

    /// Trainable scalars of this configuration, counted without allocating the model.
    public var parameterCount: Int { kind.spec.parameterCount(resolved()) }

    /// Scalars the built model holds: parameters (a tied weight once) and buffers.
    public var scalarCount: Int { saturatingSum(tensorDeclarations.filter { $0.role != .tied }.map(\.count)) }

    /// A one-line problem when the model would not fit in this machine's memory (its weights and
    /// buffers, and a gradient for every parameter), else nil.
    public func memoryProblem(physicalMemory: UInt64 = ProcessInfo.processInfo.physicalMemory) -> String? {
        Models.memoryProblem(
            what: "\(kind.rawValue) model", parameters: parameterCount, scalars: scalarCount, physicalMemory: physicalMemory)
    }
}

/// "the WHAT has N parameters and needs X GB …" when `scalars` Float32 values and a gradient for
/// each of `parameters` do not fit in `physicalMemory` bytes, else nil.
func memoryProblem(
    what: String, parameters: Int, scalars: Int, physicalMemory: UInt64 = ProcessInfo.processInfo.physicalMemory
) -> String? {
    let bytes = 4 * (Double(scalars) + Double(parameters))
    guard bytes > Double(physicalMemory) else { return nil }
    func gigabytes(_ b: Double) -> String { String(format: "%.1f GB", b / 1e9) }
    return
        "the \(what) has \(parameters) parameters and needs \(gigabytes(bytes)) with their gradients, more than this machine's \(gigabytes(Double(physicalMemory))) of memory"
}

/// The recipe's embedding and decoder tensors around a kind's own: `encoder.weight` [V, emsize]
/// first; the decoder's (`decoderTensors`) last.
func recipeTensors(_ c: ModelConfig, decoderInput: Int, between middle: [TensorDeclaration]) -> [TensorDeclaration] {
    [TensorDeclaration("encoder.weight", [c.vocabularySize, c.emsize])] + middle + decoderTensors(c, input: decoderInput)
}

/// The decoder over the vocabulary reading `input` features: `decoder.weight` [V, input] (a second
/// name of the embedding when tied) and `decoder.bias` [V]; with an adaptive softmax its
/// `decoder.head.weight` and `decoder.tail.i.{0,1}.weight` instead.
func decoderTensors(_ c: ModelConfig, input: Int) -> [TensorDeclaration] {
    let v = c.vocabularySize
    guard let adaptive = c.adaptiveSoftmax else {
        return [
            TensorDeclaration("decoder.weight", [v, input], c.tied ? .tied : .parameter), TensorDeclaration("decoder.bias", [v])
        ]
    }
    let bounds = adaptive.cutoffs + [v]
    return [TensorDeclaration("decoder.head.weight", [adaptive.cutoffs[0] + adaptive.cutoffs.count, input])]
        + adaptive.cutoffs.indices.flatMap { i in
            let hidden = AdaptiveLogSoftmaxWithLoss.hiddenSize(inFeatures: input, divValue: adaptive.divValue, cluster: i)
            return [
                TensorDeclaration("decoder.tail.\(i).0.weight", [hidden, input]),
                TensorDeclaration("decoder.tail.\(i).1.weight", [bounds[i + 1] - bounds[i], hidden])
            ]
        }
}

/// PyTorch's names and shapes of a stacked recurrent layer `prefix` with `gates` gate blocks
/// (1 plain, 3 GRU, 4 LSTM), per layer weight_ih, weight_hh, bias_ih, bias_hh.
func recurrentTensors(_ prefix: String, gates: Int, input: Int, hidden: Int, layers: Int) -> [TensorDeclaration] {
    (0..<Swift.max(layers, 0)).flatMap { l in
        [
            TensorDeclaration("\(prefix).weight_ih_l\(l)", [gates * hidden, l == 0 ? input : hidden]),
            TensorDeclaration("\(prefix).weight_hh_l\(l)", [gates * hidden, hidden]),
            TensorDeclaration("\(prefix).bias_ih_l\(l)", [gates * hidden]),
            TensorDeclaration("\(prefix).bias_hh_l\(l)", [gates * hidden])
        ]
    }
}

/// `prefix.weight` [out, input] and `prefix.bias` [out], as a PyTorch `nn.Linear`.
func linearTensors(_ prefix: String, input: Int, output: Int) -> [TensorDeclaration] {
    [TensorDeclaration("\(prefix).weight", [output, input]), TensorDeclaration("\(prefix).bias", [output])]
}

/// Builds the model `config` describes (validated first, refused when it would not fit in memory,
/// kind-specific fields resolved to their defaults). `words` (the vocabulary, id order) spell the CharCNN's words; without them its
/// character table is left empty, to be filled by a state dict. A model with a sentence context
/// finds `<eos>` among them (refused when absent); without words no sentence ever ends.
public func makeLanguageModel(_ config: ModelConfig, words: [String]? = nil, generator: RandomGenerator = .global)
    throws(ModelConfigError) -> any LanguageModel
{
    try config.validate()
    if let problem = config.memoryProblem() { throw ModelConfigError(description: problem) }
    if config.sentenceContext != .none, let words, !words.contains(SentenceContext.sentenceEnd) {
        throw ModelConfigError(
            description:
                "--context \(config.sentenceContext.rawValue) needs \(SentenceContext.sentenceEnd) in the vocabulary (sentences end there; the word tokenizer ends every line with it)"
        )
    }
    return config.kind.spec.make(config.resolved(), words, generator)
}
