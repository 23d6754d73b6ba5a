/// The characters of a word vocabulary, for character-aware models (Kim et al. 2016): id 0 pads
/// a word to the common length, 1 marks the beginning of a word and 2 its end; the words' Unicode
/// scalars follow in order of first appearance (words in id order, each left to right).
public struct CharacterVocabulary: Sendable, Equatable {
    public static let padding = 0, beginOfWord = 1, endOfWord = 2
    /// The characters with ids 3, 4, ….
    public let scalars: [Unicode.Scalar]
    /// Characters of the longest word plus its two markers, at most `maxWordLength`.
    public let wordLength: Int
    /// How many words are longer than `maxWordLength` − 2 characters (spelled by their first ones).
    public let cutWords: Int
    /// The widest spelling, markers included: 65, Kim et al. (2016)'s `max_word_l`, so words keep
    /// their first 63 characters. The character table is vocabulary × width and every window
    /// convolves its words at that width, so one 20,000-character token (a URL, a line of markup)
    /// made training need over a gigabyte.
    public static let maxWordLength = 65
    private let ids: [Unicode.Scalar: Int]

    public init(words: [String]) {
        var scalars: [Unicode.Scalar] = []
        var ids: [Unicode.Scalar: Int] = [:]
        var longest = 0
        var cut = 0
        for word in words {
            var length = 0
            for scalar in word.unicodeScalars {
                length += 1
                // Characters past the cut are never spelled, so they take no id.
                if length <= Self.maxWordLength - 2, ids[scalar] == nil {
                    ids[scalar] = 3 + scalars.count
                    scalars.append(scalar)
                }
            }
            longest = max(longest, length)
            if length > Self.maxWordLength - 2 { cut += 1 }
        }
        self.scalars = scalars
        self.ids = ids
        wordLength = min(longest, Self.maxWordLength - 2) + 2
        cutWords = cut
    }

    /// Size of the character vocabulary, padding and markers included.
    public var count: Int { 3 + scalars.count }

    /// Character ids of `words`, [words.count, width] row-major: begin marker, the word's
    /// characters, end marker, padding up to `width` (a longer word keeps its first width − 1
    /// characters and the end marker; an unknown character reads as padding).
    public func table(for words: [String], width: Int) -> [Int] {
        precondition(width >= 2, "CharacterVocabulary.table: width \(width) leaves no room for the markers")
        var table = [Int](repeating: Self.padding, count: words.count * width)
        for (w, word) in words.enumerated() {
            let row = w * width
            table[row] = Self.beginOfWord
            var k = 1
            for scalar in word.unicodeScalars where k < width - 1 {
                table[row + k] = ids[scalar] ?? Self.padding
                k += 1
            }
            table[row + k] = Self.endOfWord
        }
        return table
    }
}
