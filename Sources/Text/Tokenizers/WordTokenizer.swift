import Foundation

/// The word-LM recipe's tokens as a `Tokenizer`: whitespace-separated words and `<eos>` after every
/// line, over a fixed `Vocabulary` (ids in first-seen order); `Corpus` reads the same way.
public struct WordTokenizer: Tokenizer, Equatable {
    public let vocabulary: Vocabulary

    public var kind: TokenizerKind { .word }
    public var vocabularySize: Int { vocabulary.count }

    public init(vocabulary: Vocabulary) { self.vocabulary = vocabulary }

    /// The vocabulary of `text`'s words in first-seen order, `<eos>` included.
    public init(text: String) {
        var vocabulary = Vocabulary()
        _ = Corpus.tokenize(text, adding: &vocabulary)
        self.init(vocabulary: vocabulary)
    }

    /// The ids of `text`'s words, `<eos>` after each line; a word not in the vocabulary is an error.
    public func encode(_ text: String) throws(TokenizerError) -> [Int] {
        var ids: [Int] = []
        for (index, line) in TextFile.lines(of: text).enumerated() {
            for word in line.split(whereSeparator: \.isWhitespace) {
                guard let id = vocabulary.id(of: String(word)) else {
                    throw .unknownWord(String(word), line: index + 1, file: nil)
                }
                ids.append(id)
            }
            if let eos = vocabulary.id(of: Vocabulary.eos) { ids.append(eos) }
        }
        return ids
    }

    /// The words separated by spaces, `<eos>` as a line break.
    public func decode(_ ids: [Int]) -> String {
        var text = ""
        var lineStart = true
        for id in ids {
            let word = vocabulary.words.indices.contains(id) ? vocabulary[id] : "\u{FFFD}"
            if word == Vocabulary.eos {
                text += "\n"
                lineStart = true
            } else {
                text += lineStart ? word : " " + word
                lineStart = false
            }
        }
        return text
    }

    /// `vocab.txt`: one word a line in id order (the run folder's vocabulary file).
    public func writeFiles(to folder: URL) throws(TokenizerError) {
        let text = vocabulary.words.joined(separator: "\n") + "\n"
        try TokenizerFolder.write(Data(text.utf8), to: folder.appendingPathComponent(Self.fileName))
    }

    /// The file beside `tokenizer.json` that holds the words.
    public static let fileName = "vocab.txt"

    /// Reads `vocab.txt` from `folder`.
    public static func load(from folder: URL) throws(TokenizerError) -> WordTokenizer {
        let path = folder.appendingPathComponent(fileName).path
        let words = TextFile.lines(of: try TokenizerFolder.readText(path)).map(String.init)
        guard !words.isEmpty else { throw .badFolder(path, reason: "no words") }
        guard Set(words).count == words.count else { throw .badFolder(path, reason: "a word appears twice") }
        return WordTokenizer(vocabulary: Vocabulary(words: words))
    }
}
