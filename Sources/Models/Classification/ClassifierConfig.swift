/// The sentence classifiers, spelled as `perplex classify train --model`.
public enum ClassifierKind: String, CaseIterable, Codable, Sendable {
    case cnn, lstm
}

/// How the LSTM classifier turns its per-word states into one sentence vector.
public enum SentencePooling: String, CaseIterable, Codable, Sendable {
    /// The state after the sentence's last real word.
    case last
    /// The mean of the states over the sentence's real words.
    case mean
}

/// Hyper-parameters that fix a sentence classifier's shape (they travel in checkpoints).
public struct ClassifierConfig: Codable, Equatable, Sendable {
    public var kind: ClassifierKind
    public var vocabularySize: Int
    public var classCount: Int
    /// Word vector size (Kim 2014: 300).
    public var emsize: Int
    /// CNN: filter widths (Kim: 3, 4, 5).
    public var filterWidths: [Int]
    /// CNN: feature maps per width (Kim: 100).
    public var featureMaps: Int
    /// LSTM: hidden units.
    public var nhid: Int
    /// LSTM: sentence pooling.
    public var pool: SentencePooling
    /// Dropout before the output layer (Kim: 0.5).
    public var dropout: Float
    /// Largest L2 norm of an output-layer weight row, enforced after each step (Kim: 3; 0 = off).
    public var maxNorm: Float

    public init(
        kind: ClassifierKind, vocabularySize: Int, classCount: Int, emsize: Int = 300,
        filterWidths: [Int] = [3, 4, 5], featureMaps: Int = 100, nhid: Int = 150,
        pool: SentencePooling = .last, dropout: Float = 0.5, maxNorm: Float = 3
    ) {
        self.kind = kind
        self.vocabularySize = vocabularySize
        self.classCount = classCount
        self.emsize = emsize
        self.filterWidths = filterWidths
        self.featureMaps = featureMaps
        self.nhid = nhid
        self.pool = pool
        self.dropout = dropout
        self.maxNorm = maxNorm
    }

    /// The fewest positions a padded batch needs (the widest filter for the CNN).
    public var minimumLength: Int { kind == .cnn ? (filterWidths.max() ?? 1) : 1 }

    /// Checks what a user controls before any layer is built (layers trap on impossible shapes).
    public func validate() throws(ModelConfigError) {
        func fail(_ message: String) -> ModelConfigError { ModelConfigError(description: message) }
        guard vocabularySize > 2 else { throw fail("the training data has no words") }
        guard classCount >= 2 else { throw fail("the training data has \(classCount) label; a classifier needs at least 2") }
        guard emsize > 0 else { throw fail("--emsize must be positive, got \(emsize)") }
        guard dropout >= 0, dropout < 1 else { throw fail("--dropout must be in [0, 1), got \(dropout)") }
        guard maxNorm >= 0, maxNorm.isFinite else { throw fail("--max-norm must be non-negative, got \(maxNorm)") }
        switch kind {
        case .cnn:
            guard !filterWidths.isEmpty, filterWidths.allSatisfy({ $0 > 0 }) else { throw fail("filter widths must be positive") }
            guard featureMaps > 0 else { throw fail("--feature-maps must be positive, got \(featureMaps)") }
        case .lstm:
            guard nhid > 0 else { throw fail("--nhid must be positive, got \(nhid)") }
        }
    }
}
