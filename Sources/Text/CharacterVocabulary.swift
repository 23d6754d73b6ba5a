/// The characters of a word vocabulary, for character-aware models (Kim et al. 2016): id 0 pads
/// a word to the common length, 1 marks the beginning of a word and 2 its end; the words' Unicode
/// scalars follow in order of first appearance (words in id order, each left to right).
public struct CharacterVocabulary: Sendable, Equatable {
    public static let padding = 0, beginOfWord = 1, endOfWord = 2
    /// The characters with ids 3, 4, ….
    public let scalars: [Unicode.Scalar]
    /// Characters of the longest word plus its two markers.
    public let wordLength: Int
    private let ids: [Unicode.Scalar: Int]

    public init(words: [String]) {
        var scalars: [Unicode.Scalar] = []
        var ids: [Unicode.Scalar: Int] = [:]
        var longest = 0
        for word in words {
            var length = 0
            for scalar in word.unicodeScalars {
                length += 1
                if ids[scalar] == nil {
                    ids[scalar] = 3 + scalars.count
                    scalars.append(scalar)
                }
            }
            longest = max(longest, length)
        }
        self.scalars = scalars
        self.ids = ids
        wordLength = longest + 2
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
