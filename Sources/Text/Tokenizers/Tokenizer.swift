import Foundation

/// Turns text into token ids and back; each kind keeps its own files in a run folder
/// (`TokenizerFolder` writes `tokenizer.json` naming the kind beside them).
///
/// ```swift
/// let tokenizer = CharTokenizer(text: "hello")
/// let ids = try tokenizer.encode("hell")      // [1, 0, 2, 2]
/// tokenizer.decode(ids)                       // "hell"
/// ```
public protocol Tokenizer: Sendable {
    /// Which kind this is (written to `tokenizer.json`).
    var kind: TokenizerKind { get }
    /// How many ids there are: every id is in 0..<vocabularySize.
    var vocabularySize: Int { get }
    /// The ids of `text`; text the tokenizer cannot represent is an error saying what and where.
    func encode(_ text: String) throws(TokenizerError) -> [Int]
    /// The text of `ids`; an id outside 0..<vocabularySize reads as U+FFFD.
    func decode(_ ids: [Int]) -> String
    /// Writes the kind's own files (not `tokenizer.json`) into the existing folder `folder`.
    func writeFiles(to folder: URL) throws(TokenizerError)
}

extension Tokenizer {
    /// Writes `tokenizer.json` and the kind's files into `folder`, creating it when missing.
    public func save(to folder: String) throws(TokenizerError) { try TokenizerFolder.save(self, to: folder) }

    /// One spelling per token id, distinct and without line breaks (a checkpoint's vocabulary is
    /// one token a line): the token's text with backslash, LF, CR and tab escaped, or `<id N>`
    /// when that spelling is taken (byte-level pieces that decode alike).
    public var spellings: [String] {
        var seen = Set<String>()
        return (0..<vocabularySize).map { id in
            var spelling = ""
            for scalar in decode([id]).unicodeScalars {
                switch scalar {
                case "\\": spelling += "\\\\"
                case "\n": spelling += "\\n"
                case "\r": spelling += "\\r"
                case "\t": spelling += "\\t"
                default: spelling.unicodeScalars.append(scalar)
                }
            }
            if spelling.isEmpty || !seen.insert(spelling).inserted { spelling = "<id \(id)>" }
            return spelling
        }
    }
}
