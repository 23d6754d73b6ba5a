import NN
import Tensor

/// What a language model carries from one BPTT window to the next.
public indirect enum RecurrentState {
    case none
    case hidden(Tensor)
    case lstm(h: Tensor, c: Tensor)
    /// Token ids of the rows just before the window, [rows, batch] row-major, oldest row first
    /// (n-gram models). At the start of a text it holds fewer rows than the context needs.
    case tokens([Int])
    /// Per layer, that layer's input at the time steps just before the window, each
    /// [steps, batch, features] (causal convolutions: the left part of the receptive field).
    case steps([Tensor])
    /// An LSTM's (h, c), each [layers, batch, hidden], and its latest outputs [window, batch, hidden],
    /// oldest first, that the next steps attend over.
    case attention(h: Tensor, c: Tensor, memory: Tensor)
    /// The states of two stacked parts, lower first.
    case pair(RecurrentState, RecurrentState)
    /// The sentences read so far (a previous-sentence context): the mean embedding of each
    /// column's latest finished sentence [batch, emsize] (zeros before the first), and the sum
    /// [batch, emsize] and word count [batch] of the sentence in progress.
    case sentences(previous: Tensor, current: Tensor, length: Tensor)

    /// The same values cut off from the graph, so backpropagation stops at the window boundary.
    public func detached() -> RecurrentState {
        switch self {
        case .none, .tokens: self
        case .hidden(let h): .hidden(h.detach())
        case .lstm(let h, let c): .lstm(h: h.detach(), c: c.detach())
        case .steps(let layers): .steps(layers.map { $0.detach() })
        case .attention(let h, let c, let memory): .attention(h: h.detach(), c: c.detach(), memory: memory.detach())
        case .pair(let lower, let upper): .pair(lower.detached(), upper.detached())
        case .sentences(let previous, let current, let length):
            .sentences(previous: previous.detach(), current: current.detach(), length: length.detach())
        }
    }
}

/// A next-token model over token ids laid out [seqLen, batch] (row-major, as `BatchedStream`).
public protocol LanguageModel: Module {
    var config: ModelConfig { get }
    /// The state before the first window (zeros), for `batchSize` columns.
    func initialState(batchSize: Int) -> RecurrentState
    /// What the decoder reads at every position, [seqLen·batch, decoder input features] (after the
    /// output dropout), and the state after the window.
    func features(_ input: [Int], seqLen: Int, batchSize: Int, state: RecurrentState)
        -> (features: Tensor, state: RecurrentState)
    /// The output layer: logits = decoder(features), [seqLen·batch, vocabularySize]. A model with
    /// an adaptive softmax has none (it traps): read `decoderLoss` / `decoderScores` instead.
    var decoder: Linear { get }
    /// The adaptive softmax that replaces the linear decoder (`--adaptive`), or nil (the default).
    var adaptiveSoftmax: AdaptiveLogSoftmaxWithLoss? { get }
    /// For a model that carries no state between windows: the longest context generation re-reads
    /// at every step. Nil (the default) when the state carries the past and only the newest token is fed.
    var generationContext: Int? { get }
    /// Whether a window's forward pass costs more than scoring its features, so evaluation runs it
    /// on all cores instead of beside the scoring of the window before (default false).
    var forwardOutweighsScoring: Bool { get }
}

extension LanguageModel {
    public var generationContext: Int? { nil }
    public var forwardOutweighsScoring: Bool { false }
    public var adaptiveSoftmax: AdaptiveLogSoftmaxWithLoss? { nil }

    /// Logits [seqLen·batch, vocabularySize] for every position, and the state after the window.
    /// With an adaptive softmax they are its log-probabilities (softmax of them is the model's
    /// distribution, as of logits).
    public func callAsFunction(_ input: [Int], seqLen: Int, batchSize: Int, state: RecurrentState)
        -> (logits: Tensor, state: RecurrentState)
    {
        let (features, next) = features(input, seqLen: seqLen, batchSize: batchSize, state: state)
        return (decoderScores(features), next)
    }

    /// The decoder's scores of every word, features [N, in] → [N, vocabularySize]: logits, or an
    /// adaptive softmax's log-probabilities.
    public func decoderScores(_ features: Tensor) -> Tensor {
        adaptiveSoftmax.map { $0.logProbabilities(features) } ?? decoder(features)
    }

    /// The mean cross-entropy of `targets` given `features` [N, in] (rows whose target is
    /// `ignoreIndex` do not count), the decoder and the loss as one op: the linear decoder's
    /// logits, or the adaptive softmax's clusters, never get a buffer of their own.
    public func decoderLoss(_ features: Tensor, targets: [Int], ignoreIndex: Int? = nil) -> Tensor {
        if let adaptiveSoftmax { return adaptiveSoftmax.loss(features, targets: targets, ignoreIndex: ignoreIndex) }
        return Tensor.linearCrossEntropy(
            features, weight: decoder.weight, bias: decoder.bias, targets: targets, ignoreIndex: ignoreIndex)
    }
}

/// The decoder of a kind that may have an adaptive softmax. Named `decoder` in the state dict
/// either way (`decoder.weight` … or `decoder.head.weight` …); reflection does not see an enum, so
/// the model lists `module` among its `children()`.
enum VocabularyDecoder {
    case linear(Linear)
    case adaptive(AdaptiveLogSoftmaxWithLoss)

    /// The adaptive softmax when the configuration asks for one, else `linear()`'s layer.
    init(_ config: ModelConfig, inFeatures: Int, _ generator: RandomGenerator, linear: () -> Linear) {
        guard let adaptive = config.adaptiveSoftmax else {
            self = .linear(linear())
            return
        }
        self = .adaptive(adaptive.make(inFeatures: inFeatures, vocabularySize: config.vocabularySize, generator: generator))
    }

    /// The module under the name `decoder`.
    var module: Module {
        switch self {
        case .linear(let layer): layer
        case .adaptive(let layer): layer
        }
    }

    /// The linear layer; a model with an adaptive softmax has none, and asking is a bug.
    var linearLayer: Linear {
        switch self {
        case .linear(let layer): layer
        case .adaptive: preconditionFailure("an adaptive-softmax model has no linear decoder: use decoderScores / decoderLoss")
        }
    }

    var adaptiveLayer: AdaptiveLogSoftmaxWithLoss? {
        switch self {
        case .linear: nil
        case .adaptive(let layer): layer
        }
    }
}

/// Fills `t` with U(−bound, bound) draws in storage order (the recipe's `uniform_` init).
func fillUniform(_ t: Tensor, bound: Float, _ generator: RandomGenerator) {
    for i in 0..<t.count { t.pointer[i] = -bound + 2 * bound * generator.nextFloat() }
}

/// The recipe's decoder: U(±0.1) weight and zero bias, or the embedding's weight when tied.
func recipeDecoder(_ config: ModelConfig, inFeatures: Int, tiedTo encoder: Embedding?, _ generator: RandomGenerator) -> Linear {
    if config.tied, let encoder {
        return Linear(weight: encoder.weight, bias: Tensor.zeros([config.vocabularySize], requiresGrad: true))
    }
    let decoder = Linear(inFeatures, config.vocabularySize, generator: generator)
    fillUniform(decoder.weight, bound: 0.1, generator)
    decoder.bias?.pointer.update(repeating: 0, count: config.vocabularySize)
    return decoder
}
