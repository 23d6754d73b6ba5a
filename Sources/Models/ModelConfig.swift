import Text

/// The NPLM's hidden layer: h = W·x + b (`linear`) or tanh(W·x + b) (`tanh`, Bengio et al.'s).
public enum HiddenActivation: String, CaseIterable, Codable, Sendable {
    case linear, tanh
}

/// Why a model configuration is impossible.
public struct ModelConfigError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

/// Hyper-parameters that fix a language model's shape (they travel in checkpoints).
///
/// `nhead` and the fields after `tied` belong to some kinds only and are nil for the others (`validate()`
/// rejects one set for a kind it does not apply to); older checkpoints lack them and decode as nil.
/// `resolved()` fills a kind's own fields with their defaults, so a saved config spells them out.
public struct ModelConfig: Codable, Equatable, Sendable {
    public var kind: ModelKind
    public var vocabularySize: Int
    public var emsize: Int
    public var nhid: Int
    public var nlayers: Int
    /// Transformer: attention heads (nil for the other kinds; configurations written before it
    /// was optional, and the PyTorch twin's, carry a 2 for every kind, which decoding drops).
    public var nhead: Int?
    public var dropout: Float
    public var tied: Bool
    /// NPLM, NGRAM_RNN: n, the words of an n-gram (n − 1 context words predict the n-th).
    public var ngram: Int?
    /// NPLM: the hidden layer's activation.
    public var hiddenActivation: HiddenActivation?
    /// NGRAM_RNN: the last steps (of its n − 1) that backpropagation runs through; fewer than
    /// n − 1 truncates it.
    public var backpropSteps: Int?
    /// GatedCNN, GatedCNN_RNN: width of every causal convolution (time steps).
    public var kernelSize: Int?
    /// GatedCNN_RNN: LSTM layers above the convolution blocks (`nlayers` counts the blocks).
    public var rnnLayers: Int?
    /// AttentionLSTM: how many previous outputs each step attends over.
    public var attentionWindow: Int?
    /// CharCNN: size of the character embeddings.
    public var charEmsize: Int?
    /// CharCNN: filters of every width 1…maxFilterWidth (characters).
    public var maxFilterWidth: Int?
    /// CharCNN: feature maps per unit of filter width (width w has featureMaps·w maps).
    public var featureMaps: Int?
    /// CharCNN: highway layers between the word features and the LSTM.
    public var highwayLayers: Int?
    /// CharCNN: size of the character vocabulary (padding and word markers included); set from the words.
    public var characters: Int?
    /// CharCNN: characters per word (markers and padding included); set from the words.
    public var maxWordLength: Int?
    /// GPT: the longest context (nanoGPT's block_size): rows of the position table `wpe`.
    public var blockSize: Int?
    /// GPT: whether its Linear and LayerNorm layers have biases (nanoGPT's `bias`).
    public var bias: Bool?
    /// Transformer: a LayerNorm after the last encoder layer (`transformer_encoder.norm`), as
    /// today's recipe (`nn.Transformer`'s encoder) has; nil (none) in configurations without it,
    /// which then encode exactly as before the field existed.
    public var finalNorm: Bool?
    /// RNN_TANH, RNN_RELU, LSTM, GRU: what the decoder reads beside the recurrent output; nil
    /// (none) in configurations without a context, which then encode exactly as before the field existed.
    public var context: SentenceContext?
    /// RNN_TANH, RNN_RELU, LSTM, GRU, Transformer: an adaptive softmax in place of the linear
    /// decoder (`--adaptive`); nil (the linear decoder) in configurations without one, which then
    /// encode exactly as before the field existed.
    public var adaptiveSoftmax: AdaptiveSoftmaxConfig?

    public init(
        kind: ModelKind, vocabularySize: Int, emsize: Int = 200, nhid: Int = 200, nlayers: Int = 2,
        nhead: Int? = nil, dropout: Float = 0.2, tied: Bool = false, ngram: Int? = nil,
        hiddenActivation: HiddenActivation? = nil, kernelSize: Int? = nil, rnnLayers: Int? = nil,
        attentionWindow: Int? = nil, charEmsize: Int? = nil, maxFilterWidth: Int? = nil,
        featureMaps: Int? = nil, highwayLayers: Int? = nil, characters: Int? = nil, maxWordLength: Int? = nil,
        blockSize: Int? = nil, bias: Bool? = nil, finalNorm: Bool? = nil,
        backpropSteps: Int? = nil, context: SentenceContext? = nil, adaptiveSoftmax: AdaptiveSoftmaxConfig? = nil
    ) {
        self.kind = kind
        self.vocabularySize = vocabularySize
        self.emsize = emsize
        self.nhid = nhid
        self.nlayers = nlayers
        self.nhead = nhead
        self.dropout = dropout
        self.tied = tied
        self.ngram = ngram
        self.hiddenActivation = hiddenActivation
        self.kernelSize = kernelSize
        self.rnnLayers = rnnLayers
        self.attentionWindow = attentionWindow
        self.charEmsize = charEmsize
        self.maxFilterWidth = maxFilterWidth
        self.featureMaps = featureMaps
        self.highwayLayers = highwayLayers
        self.characters = characters
        self.maxWordLength = maxWordLength
        self.blockSize = blockSize
        self.bias = bias
        self.finalNorm = finalNorm
        self.backpropSteps = backpropSteps
        self.context = context
        self.adaptiveSoftmax = adaptiveSoftmax
    }
}

extension ModelConfig {
    // The kind-specific values with their defaults (the one place defaults live).
    public var ngramOrder: Int { ngram ?? 4 }
    public var nplmActivation: HiddenActivation { hiddenActivation ?? .tanh }
    /// NGRAM_RNN: steps backpropagated through (default all n − 1, no truncation).
    public var gradientSteps: Int { backpropSteps ?? ngramOrder - 1 }
    public var convolutionWidth: Int { kernelSize ?? 3 }
    public var recurrentLayers: Int { rnnLayers ?? 1 }
    public var attentionSpan: Int { attentionWindow ?? 10 }
    public var characterEmsize: Int { charEmsize ?? 15 }
    public var attentionHeads: Int { nhead ?? 2 }
    /// The widest CharCNN filter as given (validation keeps it in `ModelConfig.Limits.filterWidth`).
    public var widestFilter: Int { maxFilterWidth ?? 6 }
    /// The CharCNN's filter widths, 1…`widestFilter` (never an empty or reversed range, whatever
    /// an unvalidated configuration holds).
    public var filterWidths: ClosedRange<Int> { 1...Swift.max(1, widestFilter) }
    public var mapsPerWidth: Int { featureMaps ?? 25 }
    public var highwayCount: Int { highwayLayers ?? 1 }
    /// nanoGPT's defaults (train.py): a context of 1024 tokens, no biases.
    public var contextSize: Int { blockSize ?? 1024 }
    public var hasBiases: Bool { bias ?? false }
    /// Whether a Transformer ends with a LayerNorm (default: no, the older recipe's model).
    public var hasFinalNorm: Bool { finalNorm ?? false }
    /// What a recurrent model's decoder reads beside its output (default: nothing, the recipe's).
    public var sentenceContext: SentenceContext { context ?? .none }

    /// This config with the kind's own optional fields set to their values (defaults where nil).
    public func resolved() -> ModelConfig {
        var c = self
        for option in kind.spec.options { option.resolve(&c) }
        return c
    }

    /// The configuration fitted to a vocabulary (`words`, id order): its size, and for kinds that
    /// spell words, the character vocabulary's size and word length.
    public func fitted(words: [String]) -> ModelConfig {
        var c = self
        c.vocabularySize = words.count
        if kind.spec.options.contains(.characters) {
            let characters = CharacterVocabulary(words: words)
            c.characters = characters.count
            c.maxWordLength = Swift.max(characters.wordLength, c.widestFilter)
        }
        return c
    }

    /// Checks what a user controls before any layer is built (layers trap on impossible shapes),
    /// every number against `Limits` before any arithmetic on it.
    public func validate() throws(ModelConfigError) {
        func fail(_ message: String) -> ModelConfigError { ModelConfigError(description: message) }
        let spec = kind.spec
        guard vocabularySize > 0 else { throw fail("the vocabulary is empty") }
        guard vocabularySize <= Limits.vocabulary else {
            throw fail("the vocabulary has \(vocabularySize) words, more than the \(Limits.vocabulary) a model can have")
        }
        if let problem = Limits.problem("--emsize", emsize, 1...Limits.width) ?? Limits.problem("--nhid", nhid, 1...Limits.width)
            ?? Limits.problem("--nlayers", nlayers, 1...Limits.layers)
        {
            throw fail(problem)
        }
        guard dropout >= 0, dropout < 1 else { throw fail("--dropout must be in [0, 1), got \(dropout)") }
        for option in ModelOption.allCases where option.isSet(in: self) && !spec.options.contains(option) {
            let kinds = ModelKind.allCases.filter { $0.spec.options.contains(option) }.map(\.rawValue)
            throw fail("\(option.flag) does not apply to \(kind.rawValue) (only to \(kinds.joined(separator: ", ")))")
        }
        if let problem = spec.problem(self) { throw fail(problem) }
        if tied, adaptiveSoftmax != nil {
            throw fail(
                "--adaptive does not fit --tied: PyTorch's AdaptiveLogSoftmaxWithLoss shares no weights with the embedding (train with --adaptive alone, or --tied with the linear decoder)"
            )
        }
        if tied {
            switch spec.tying {
            case .unsupported(let why): throw fail(why)
            case .equalSizes where nhid != emsize:
                throw fail("--tied needs --nhid equal to --emsize (got nhid \(nhid), emsize \(emsize))")
            case .equalSizes: break
            }
        }
    }

    /// The largest values validation accepts: far above any model this toolkit trains, and low
    /// enough that no tensor size or parameter count computed from a valid configuration overflows.
    /// (Whether a valid model fits in memory is `makeLanguageModel`'s check.)
    public enum Limits {
        /// Words of the vocabulary.
        public static let vocabulary = 1 << 26
        /// --emsize, --nhid, --char-emsize.
        public static let width = 1 << 20
        /// --nlayers, --rnn-layers, --highway-layers.
        public static let layers = 1024
        /// --ngram.
        public static let ngram = 64
        /// --kernel-size.
        public static let kernelSize = 256
        /// --attention-window.
        public static let attentionWindow = 4096
        /// --max-filter-width.
        public static let filterWidth = 64
        /// --feature-maps.
        public static let featureMaps = 4096
        /// A CharCNN's character vocabulary (every Unicode scalar and the markers fit).
        public static let characters = 1 << 21
        /// A CharCNN's word length in characters, markers included.
        public static let wordLength = 1 << 16
        /// --block-size.
        public static let blockSize = 1 << 20

        /// "FLAG must be in LOW…HIGH, got VALUE" when `value` is outside `range`, else nil.
        public static func problem(_ flag: String, _ value: Int, _ range: ClosedRange<Int>) -> String? {
            range.contains(value) ? nil : "\(flag) must be in \(range.lowerBound)…\(range.upperBound), got \(value)"
        }
    }
}

extension ModelConfig {
    /// Decodes every field as written, except `nhead` for kinds without attention heads: older
    /// configurations (and the PyTorch twin's) carry the recipe's 2 for every kind.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(ModelKind.self, forKey: .kind)
        vocabularySize = try c.decode(Int.self, forKey: .vocabularySize)
        emsize = try c.decode(Int.self, forKey: .emsize)
        nhid = try c.decode(Int.self, forKey: .nhid)
        nlayers = try c.decode(Int.self, forKey: .nlayers)
        let heads = try c.decodeIfPresent(Int.self, forKey: .nhead)
        nhead = kind.spec.options.contains(.nhead) ? heads : nil
        dropout = try c.decode(Float.self, forKey: .dropout)
        tied = try c.decode(Bool.self, forKey: .tied)
        ngram = try c.decodeIfPresent(Int.self, forKey: .ngram)
        hiddenActivation = try c.decodeIfPresent(HiddenActivation.self, forKey: .hiddenActivation)
        kernelSize = try c.decodeIfPresent(Int.self, forKey: .kernelSize)
        rnnLayers = try c.decodeIfPresent(Int.self, forKey: .rnnLayers)
        attentionWindow = try c.decodeIfPresent(Int.self, forKey: .attentionWindow)
        charEmsize = try c.decodeIfPresent(Int.self, forKey: .charEmsize)
        maxFilterWidth = try c.decodeIfPresent(Int.self, forKey: .maxFilterWidth)
        featureMaps = try c.decodeIfPresent(Int.self, forKey: .featureMaps)
        highwayLayers = try c.decodeIfPresent(Int.self, forKey: .highwayLayers)
        characters = try c.decodeIfPresent(Int.self, forKey: .characters)
        maxWordLength = try c.decodeIfPresent(Int.self, forKey: .maxWordLength)
        blockSize = try c.decodeIfPresent(Int.self, forKey: .blockSize)
        bias = try c.decodeIfPresent(Bool.self, forKey: .bias)
        finalNorm = try c.decodeIfPresent(Bool.self, forKey: .finalNorm)
        backpropSteps = try c.decodeIfPresent(Int.self, forKey: .backpropSteps)
        context = try c.decodeIfPresent(SentenceContext.self, forKey: .context)
        adaptiveSoftmax = try c.decodeIfPresent(AdaptiveSoftmaxConfig.self, forKey: .adaptiveSoftmax)
    }
}
