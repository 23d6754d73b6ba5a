/// Words and their ids in first-seen order, as the word-LM recipe's `Dictionary`.
public struct Vocabulary: Sendable, Equatable {
    /// End-of-sentence token appended to every line.
    public static let eos = "<eos>"

    public private(set) var words: [String] = []
    private var ids: [String: Int] = [:]

    public init() {}

    /// A vocabulary holding `words` in order (duplicates keep their first id).
    public init(words: [String]) {
        for word in words { add(word) }
    }

    public var count: Int { words.count }

    /// The id of `word`, adding it when new.
    @discardableResult
    public mutating func add(_ word: String) -> Int {
        if let id = ids[word] { return id }
        ids[word] = words.count
        words.append(word)
        return words.count - 1
    }

    public func id(of word: String) -> Int? { ids[word] }

    public subscript(id: Int) -> String { words[id] }
}
