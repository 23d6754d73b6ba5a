/// The recipe's model kinds, spelled as its `--model` flag.
public enum ModelKind: String, CaseIterable, Codable, Sendable {
    case rnnTanh = "RNN_TANH", rnnRelu = "RNN_RELU", lstm = "LSTM", gru = "GRU", transformer = "Transformer"
}

/// Why a model configuration is impossible.
public struct ModelConfigError: Error, Equatable, CustomStringConvertible {
    public let description: String
}

/// Hyper-parameters that fix a language model's shape (they travel in checkpoints).
public struct ModelConfig: Codable, Equatable, Sendable {
    public var kind: ModelKind
    public var vocabularySize: Int
    public var emsize: Int
    public var nhid: Int
    public var nlayers: Int
    public var nhead: Int
    public var dropout: Float
    public var tied: Bool

    public init(kind: ModelKind, vocabularySize: Int, emsize: Int = 200, nhid: Int = 200, nlayers: Int = 2,
                nhead: Int = 2, dropout: Float = 0.2, tied: Bool = false) {
        self.kind = kind
        self.vocabularySize = vocabularySize
        self.emsize = emsize
        self.nhid = nhid
        self.nlayers = nlayers
        self.nhead = nhead
        self.dropout = dropout
        self.tied = tied
    }

    /// Checks what a user controls before any layer is built (layers trap on impossible shapes).
    public func validate() throws(ModelConfigError) {
        func fail(_ message: String) -> ModelConfigError { ModelConfigError(description: message) }
        guard vocabularySize > 0 else { throw fail("the vocabulary is empty") }
        guard emsize > 0, nhid > 0, nlayers > 0 else { throw fail("--emsize, --nhid and --nlayers must be positive") }
        guard dropout >= 0, dropout < 1 else { throw fail("--dropout must be in [0, 1), got \(dropout)") }
        if tied && kind != .transformer && nhid != emsize {
            throw fail("--tied needs --nhid equal to --emsize (got nhid \(nhid), emsize \(emsize))")
        }
        if kind == .transformer {
            guard nhead > 0, emsize % nhead == 0 else { throw fail("--emsize \(emsize) must be a multiple of --nhead \(nhead)") }
            if tied { throw fail("--tied is not supported for the Transformer (as in the recipe)") }
        }
    }
}
