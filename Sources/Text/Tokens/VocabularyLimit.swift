/// `--max-vocab N` / `--min-count C`: which training words keep their own id; the rest read as
/// `<unk>` (added at the end of the vocabulary when the corpus lacks it). Counts are over the
/// training split; words only in valid or test count 0. `<eos>` and `<unk>` are always kept, and
/// count toward N. Kept words keep their first-seen order (ties in frequency go to the earlier).
public struct VocabularyLimit: Sendable, Equatable, Hashable {
    /// Most words in the vocabulary, `<eos>` and `<unk>` included (at least 2).
    public var maxWords: Int?
    /// Fewest training occurrences a word needs (at least 1).
    public var minCount: Int?

    public init(maxWords: Int? = nil, minCount: Int? = nil) { (self.maxWords, self.minCount) = (maxWords, minCount) }

    /// The word that stands for the words left out.
    public static let unknown = "<unk>"

    /// Whether the vocabulary is left as read.
    public var isNone: Bool { maxWords == nil && minCount == nil }

    /// A one-line problem with the numbers, or nil.
    public var problem: String? {
        if let maxWords, maxWords < 2 { return "--max-vocab must be at least 2 (<eos> and <unk> count), got \(maxWords)" }
        if let maxWords, maxWords > Int(Int32.max) { return "--max-vocab must be at most \(Int32.max), got \(maxWords)" }
        if let minCount, minCount < 1 { return "--min-count must be at least 1, got \(minCount)" }
        return nil
    }

    /// What applying a limit did.
    public struct Mapping: Sendable, Equatable {
        /// Distinct words that now read as `<unk>`.
        public var words: Int
        /// Tokens of train, valid and test that now read as `<unk>` (and were not `<unk>` before).
        public var tokens: Int
        /// Whether `<unk>` was added to the vocabulary.
        public var addedUnknown: Bool

        public init(words: Int, tokens: Int, addedUnknown: Bool) {
            (self.words, self.tokens, self.addedUnknown) = (words, tokens, addedUnknown)
        }
    }

    /// `corpus` with the words this limit leaves out read as `<unk>`, and what was mapped.
    public func apply(to corpus: Corpus) -> (corpus: Corpus, mapping: Mapping) {
        let size = corpus.vocabulary.count
        var counts = [Int](repeating: 0, count: size)
        corpus.train.withUnsafeInt32s { ids in for id in ids { counts[Int(id)] += 1 } }
        let eos = corpus.vocabulary.id(of: Vocabulary.eos)
        let unknown = corpus.vocabulary.id(of: Self.unknown)
        let always = Set([eos, unknown].compactMap { $0 })
        var keep = [Bool](repeating: false, count: size)
        for id in always { keep[id] = true }
        var candidates = (0..<size).filter { !always.contains($0) && counts[$0] >= Swift.max(1, minCount ?? 1) }
        if let maxWords {
            let room = Swift.max(0, maxWords - always.count - (unknown == nil ? 1 : 0))
            if candidates.count > room {
                candidates.sort { (counts[$0], $1) > (counts[$1], $0) }
                candidates = Array(candidates.prefix(room))
            }
        }
        for id in candidates { keep[id] = true }
        let dropped = keep.filter { !$0 }.count
        guard dropped > 0 else { return (corpus, Mapping(words: 0, tokens: 0, addedUnknown: false)) }
        // New ids: kept words in their old order, then <unk> when it is new.
        var words: [String] = []
        var newID = [Int32](repeating: -1, count: size)
        for id in 0..<size where keep[id] {
            newID[id] = Int32(words.count)
            words.append(corpus.vocabulary[id])
        }
        if unknown == nil { words.append(Self.unknown) }
        let unknownID = Int32(unknown.map { Int(newID[$0]) } ?? words.count - 1)
        for id in 0..<size where !keep[id] { newID[id] = unknownID }
        var mappedTokens = 0
        func remap(_ ids: TokenIDs) -> TokenIDs {
            var out = TokenIDsBuilder(capacity: ids.count)
            ids.withUnsafeInt32s { ids in
                for id in ids {
                    if !keep[Int(id)] { mappedTokens += 1 }
                    out.append(newID[Int(id)])
                }
            }
            return out.finish()
        }
        let limited = Corpus(
            vocabulary: Vocabulary(words: words), train: remap(corpus.train), valid: remap(corpus.valid),
            test: remap(corpus.test))
        return (limited, Mapping(words: dropped, tokens: mappedTokens, addedUnknown: unknown == nil))
    }
}
