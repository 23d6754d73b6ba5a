/// Labelled sentences as token ids and class indices, ready to batch.
public struct EncodedSentences: Sendable, Equatable {
    /// Token ids per sentence (unpadded).
    public var sentences: [[Int]]
    /// Class index per sentence (an index into the label list, not the label itself).
    public var classes: [Int]

    public init(sentences: [[Int]], classes: [Int]) {
        precondition(sentences.count == classes.count, "EncodedSentences: \(sentences.count) sentences, \(classes.count) classes")
        self.sentences = sentences
        self.classes = classes
    }

    public var count: Int { sentences.count }

    /// Encodes `data` with `vocabulary`; `labels` (ascending) maps a label to its class index.
    /// A label not in `labels` is an error naming its line.
    public init(_ data: LabelledSentences, vocabulary: Vocabulary, labels: [Int]) throws(LabelledSentencesError) {
        var index: [Int: Int] = [:]
        for (i, label) in labels.enumerated() { index[label] = i }
        var sentences: [[Int]] = []
        var classes: [Int] = []
        for example in data.examples {
            guard let c = index[example.label] else { throw .unknownLabel(data.source, line: example.line, label: example.label) }
            sentences.append(ClassificationVocabulary.encode(example.tokens, with: vocabulary))
            classes.append(c)
        }
        self.init(sentences: sentences, classes: classes)
    }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> EncodedSentences {
        EncodedSentences(sentences: indices.map { sentences[$0] }, classes: indices.map { classes[$0] })
    }
}

/// A batch of sentences padded to one length, row-major [batch, length].
public struct PaddedBatch: Sendable, Equatable {
    /// Token ids [batch, length], `<pad>` after each sentence's end.
    public var ids: [Int]
    public var batchSize: Int
    public var length: Int
    /// Each sentence's real length (at least 1: an empty sentence counts as one `<pad>`).
    public var lengths: [Int]
    public var classes: [Int]

    /// Pads `sentences` with `padID` to the longest of them and to at least `minimumLength`
    /// (a convolution needs as many positions as its widest filter).
    public init(_ sentences: [[Int]], classes: [Int], minimumLength: Int = 1, padID: Int = ClassificationVocabulary.padID) {
        precondition(sentences.count == classes.count, "PaddedBatch: \(sentences.count) sentences, \(classes.count) classes")
        let length = max(sentences.map(\.count).max() ?? 0, minimumLength, 1)
        var ids: [Int] = []
        ids.reserveCapacity(sentences.count * length)
        for s in sentences { ids += s + Array(repeating: padID, count: length - s.count) }
        self.ids = ids
        batchSize = sentences.count
        self.length = length
        lengths = sentences.map { max($0.count, 1) }
        self.classes = classes
    }
}
