/// The words kept for training, most frequent first, as fastText builds them: every token counts
/// (`</s>` included), words seen fewer than `minCount` times are dropped, the rest sorted by count
/// (ties keep the order of first appearance).
public struct SkipGramVocabulary: Sendable {
    /// The kept words; id `i` is `words[i]`.
    public let words: [String]
    /// The raw bytes of each word (what subwords are hashed from).
    public let utf8: [[UInt8]]
    /// How often each kept word occurs.
    public let counts: [Int]
    /// All tokens read, including those of dropped words (fastText's `ntokens`: the learning-rate
    /// schedule and sub-sampling frequencies are relative to it).
    public let tokenCount: Int
    private let ids: [String: Int]

    /// A vocabulary of given words and counts (most frequent first); `tokenCount` defaults to the sum.
    public init(words: [String], counts: [Int], tokenCount: Int? = nil) {
        self.init(
            words: words, utf8: words.map { Array($0.utf8) }, counts: counts,
            tokenCount: tokenCount ?? counts.reduce(0, +))
    }

    init(words: [String], utf8: [[UInt8]], counts: [Int], tokenCount: Int) {
        precondition(words.count == counts.count && words.count == utf8.count, "one count per word")
        (self.words, self.utf8, self.counts, self.tokenCount) = (words, utf8, counts, tokenCount)
        var ids: [String: Int] = [:]
        ids.reserveCapacity(words.count)
        for (i, word) in words.enumerated() where ids[word] == nil { ids[word] = i }
        self.ids = ids
    }

    /// Number of words.
    public var count: Int { words.count }

    /// The id of `word`, or nil when it was dropped or never seen.
    public func id(of word: String) -> Int? { ids[word] }

    /// The id of `</s>`, if it is kept.
    public var endOfLineID: Int? { ids[Tokenizer.endOfLine] }
}
