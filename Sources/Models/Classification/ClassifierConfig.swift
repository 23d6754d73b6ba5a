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

    /// Checks what a user controls before any layer is built (layers trap on impossible shapes),
    /// every number against its bound (`ModelConfig.Limits`) before any arithmetic on it.
    public func validate() throws(ModelConfigError) {
        typealias Limits = ModelConfig.Limits
        func fail(_ message: String) -> ModelConfigError { ModelConfigError(description: message) }
        guard vocabularySize > 2 else { throw fail("the training data has no words") }
        guard vocabularySize <= Limits.vocabulary else {
            throw fail("the vocabulary has \(vocabularySize) words, more than the \(Limits.vocabulary) a model can have")
        }
        guard classCount >= 2 else { throw fail("the training data has \(classCount) label; a classifier needs at least 2") }
        guard classCount <= Self.maxClasses else {
            throw fail("the training data has \(classCount) labels, more than the \(Self.maxClasses) a classifier can have")
        }
        if let problem = Limits.problem("--emsize", emsize, 1...Limits.width) { throw fail(problem) }
        guard dropout >= 0, dropout < 1 else { throw fail("--dropout must be in [0, 1), got \(dropout)") }
        guard maxNorm >= 0, maxNorm.isFinite else { throw fail("--max-norm must be non-negative, got \(maxNorm)") }
        switch kind {
        case .cnn:
            guard !filterWidths.isEmpty, filterWidths.count <= Self.maxFilters,
                filterWidths.allSatisfy({ (1...Self.maxFilterWidth).contains($0) })
            else {
                throw fail(
                    "filter widths must be 1 to \(Self.maxFilters) numbers in 1…\(Self.maxFilterWidth), got \(filterWidths)")
            }
            if let problem = Limits.problem("--feature-maps", featureMaps, 1...Limits.width) { throw fail(problem) }
        case .lstm:
            if let problem = Limits.problem("--nhid", nhid, 1...Limits.width) { throw fail(problem) }
        }
    }

    /// Most classes, filter widths, and the widest filter (words) validation accepts.
    public static let maxClasses = 1 << 20, maxFilters = 64, maxFilterWidth = 1024

    /// The state dict of a validated configuration (names, shapes), worked out without building it.
    public var tensorDeclarations: [TensorDeclaration] {
        let embedding = TensorDeclaration("embedding.weight", [vocabularySize, emsize])
        switch kind {
        case .cnn:
            let convolutions = filterWidths.enumerated().flatMap { index, width in
                [
                    TensorDeclaration("convs.\(index).weight", [featureMaps, emsize, width]),
                    TensorDeclaration("convs.\(index).bias", [featureMaps])
                ]
            }
            return [embedding] + convolutions
                + linearTensors("output", input: featureMaps * filterWidths.count, output: classCount)
        case .lstm:
            return [embedding] + recurrentTensors("rnn", gates: 4, input: emsize, hidden: nhid, layers: 1)
                + linearTensors("output", input: nhid, output: classCount)
        }
    }
}
