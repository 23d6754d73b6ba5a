/// The model kinds, spelled as the `--model` flag: the recipe's five and the seeds' other language
/// models (Bengio's n-gram NPLM, Dauphin's gated CNN alone and under an LSTM, Kim's character-aware
/// CNN-LSTM, an LSTM with attention over its recent outputs).
public enum ModelKind: String, CaseIterable, Codable, Sendable {
    case rnnTanh = "RNN_TANH", rnnRelu = "RNN_RELU", lstm = "LSTM", gru = "GRU", transformer = "Transformer"
    case nplm = "NPLM", gatedCNN = "GatedCNN", gatedCNNRNN = "GatedCNN_RNN", charCNN = "CharCNN"
    case attentionLSTM = "AttentionLSTM"
}

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
/// The fields after `tied` belong to some kinds only and are nil for the others (`validate()`
/// rejects one set for a kind it does not apply to); older checkpoints lack them and decode as nil.
/// `resolved()` fills a kind's own fields with their defaults, so a saved config spells them out.
public struct ModelConfig: Codable, Equatable, Sendable {
    public var kind: ModelKind
    public var vocabularySize: Int
    public var emsize: Int
    public var nhid: Int
    public var nlayers: Int
    public var nhead: Int
    public var dropout: Float
    public var tied: Bool
    /// NPLM: n, the words of an n-gram (n − 1 context words predict the n-th).
    public var ngram: Int?
    /// NPLM: the hidden layer's activation.
    public var hiddenActivation: HiddenActivation?
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

    public init(kind: ModelKind, vocabularySize: Int, emsize: Int = 200, nhid: Int = 200, nlayers: Int = 2,
                nhead: Int = 2, dropout: Float = 0.2, tied: Bool = false, ngram: Int? = nil,
                hiddenActivation: HiddenActivation? = nil, kernelSize: Int? = nil, rnnLayers: Int? = nil,
                attentionWindow: Int? = nil, charEmsize: Int? = nil, maxFilterWidth: Int? = nil,
                featureMaps: Int? = nil, highwayLayers: Int? = nil, characters: Int? = nil, maxWordLength: Int? = nil) {
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
    }
}

extension ModelConfig {
    // The kind-specific values with their defaults (the one place defaults live).
    public var ngramOrder: Int { ngram ?? 4 }
    public var nplmActivation: HiddenActivation { hiddenActivation ?? .tanh }
    public var convolutionWidth: Int { kernelSize ?? 3 }
    public var recurrentLayers: Int { rnnLayers ?? 1 }
    public var attentionSpan: Int { attentionWindow ?? 10 }
    public var characterEmsize: Int { charEmsize ?? 15 }
    public var filterWidths: ClosedRange<Int> { 1...(maxFilterWidth ?? 6) }
    public var mapsPerWidth: Int { featureMaps ?? 25 }
    public var highwayCount: Int { highwayLayers ?? 1 }

    /// This config with the kind's own optional fields set to their values (defaults where nil).
    public func resolved() -> ModelConfig {
        var c = self
        switch kind {
        case .nplm: (c.ngram, c.hiddenActivation) = (ngramOrder, nplmActivation)
        case .gatedCNN: c.kernelSize = convolutionWidth
        case .gatedCNNRNN: (c.kernelSize, c.rnnLayers) = (convolutionWidth, recurrentLayers)
        case .attentionLSTM: c.attentionWindow = attentionSpan
        case .charCNN:
            (c.charEmsize, c.maxFilterWidth, c.featureMaps, c.highwayLayers) =
                (characterEmsize, filterWidths.upperBound, mapsPerWidth, highwayCount)
        default: break
        }
        return c
    }

    /// The kind-specific fields: flag spelling, whether set, and the kinds that use it.
    private var kindSpecificFields: [(flag: String, isSet: Bool, kinds: [ModelKind])] {
        [("--ngram", ngram != nil, [.nplm]), ("--hidden-act", hiddenActivation != nil, [.nplm]),
         ("--kernel-size", kernelSize != nil, [.gatedCNN, .gatedCNNRNN]), ("--rnn-layers", rnnLayers != nil, [.gatedCNNRNN]),
         ("--attention-window", attentionWindow != nil, [.attentionLSTM]),
         ("--char-emsize", charEmsize != nil, [.charCNN]), ("--max-filter-width", maxFilterWidth != nil, [.charCNN]),
         ("--feature-maps", featureMaps != nil, [.charCNN]), ("--highway-layers", highwayLayers != nil, [.charCNN]),
         ("characters", characters != nil, [.charCNN]), ("max word length", maxWordLength != nil, [.charCNN])]
    }

    /// Checks what a user controls before any layer is built (layers trap on impossible shapes).
    public func validate() throws(ModelConfigError) {
        func fail(_ message: String) -> ModelConfigError { ModelConfigError(description: message) }
        guard vocabularySize > 0 else { throw fail("the vocabulary is empty") }
        guard emsize > 0, nhid > 0, nlayers > 0 else { throw fail("--emsize, --nhid and --nlayers must be positive") }
        guard dropout >= 0, dropout < 1 else { throw fail("--dropout must be in [0, 1), got \(dropout)") }
        for field in kindSpecificFields where field.isSet && !field.kinds.contains(kind) {
            throw fail("\(field.flag) does not apply to \(kind.rawValue) (only to \(field.kinds.map(\.rawValue).joined(separator: ", ")))")
        }
        switch kind {
        case .transformer:
            guard nhead > 0, emsize % nhead == 0 else { throw fail("--emsize \(emsize) must be a multiple of --nhead \(nhead)") }
            if tied { throw fail("--tied is not supported for the Transformer (as in the recipe)") }
        case .nplm:
            guard ngramOrder >= 2 else { throw fail("--ngram must be at least 2, got \(ngramOrder)") }
        case .gatedCNN, .gatedCNNRNN:
            guard convolutionWidth >= 2 else { throw fail("--kernel-size must be at least 2, got \(convolutionWidth)") }
            guard recurrentLayers >= 1 else { throw fail("--rnn-layers must be positive, got \(recurrentLayers)") }
        case .attentionLSTM:
            guard attentionSpan >= 1 else { throw fail("--attention-window must be positive, got \(attentionSpan)") }
        case .charCNN:
            if tied { throw fail("--tied does not apply to CharCNN (its words have no input embedding)") }
            guard characterEmsize > 0, filterWidths.upperBound >= 1, mapsPerWidth > 0, highwayCount >= 0 else {
                throw fail("--char-emsize, --max-filter-width and --feature-maps must be positive, --highway-layers non-negative")
            }
            guard let characters, characters > 0, let maxWordLength, maxWordLength >= filterWidths.upperBound else {
                throw fail("CharCNN needs its character vocabulary and a word length of at least --max-filter-width")
            }
        default: break
        }
        if tied && kind != .transformer && nhid != emsize {
            throw fail("--tied needs --nhid equal to --emsize (got nhid \(nhid), emsize \(emsize))")
        }
    }
}
