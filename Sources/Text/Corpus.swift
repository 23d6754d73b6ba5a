import Foundation

/// Why text could not be read; each message names the file or word at fault.
public enum TextError: Error, Equatable, CustomStringConvertible {
    case missingDirectory(String)
    case missingFile(String)
    /// The path names a folder where a text file is expected.
    case directory(String)
    case unreadable(String)
    case empty(String)
    case tooShort(String, tokens: Int, needed: Int)
    case unknownWord(String)

    public var description: String {
        switch self {
        case .missingDirectory(let path): "data folder not found: \(path)"
        case .missingFile(let path): "file not found: \(path)"
        case .directory(let path): "\(path) is a directory, not a text file"
        case .unreadable(let path): "cannot read \(path) as UTF-8 text"
        case .empty(let path): "no words in \(path)"
        case .tooShort(let what, let tokens, let needed): "\(what) has \(tokens) tokens, fewer than the \(needed) needed"
        case .unknownWord(let word): "word '\(word)' is not in the vocabulary"
        }
    }
}

/// Token ids of train/valid/test text over one vocabulary, as the word-LM recipe reads them:
/// whitespace-separated words, `<eos>` after every line, ids in first-seen order over train,
/// then valid, then test.
public struct Corpus: Sendable {
    public var vocabulary: Vocabulary
    public var train: [Int]
    public var valid: [Int]
    public var test: [Int]

    public init(vocabulary: Vocabulary, train: [Int], valid: [Int], test: [Int]) {
        self.vocabulary = vocabulary
        self.train = train
        self.valid = valid
        self.test = test
    }

    /// Reads `train.txt`, `valid.txt` and `test.txt` from `directory`.
    public init(directory: String) throws(TextError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missingDirectory(directory)
        }
        var vocabulary = Vocabulary()
        var splits: [[Int]] = []
        for name in ["train.txt", "valid.txt", "test.txt"] {
            let path = (directory as NSString).appendingPathComponent(name)
            let ids = Self.tokenize(try Self.read(path), adding: &vocabulary)
            guard ids.count > ids.filter({ $0 == vocabulary.id(of: Vocabulary.eos) }).count else { throw .empty(path) }
            splits.append(ids)
        }
        self.init(vocabulary: vocabulary, train: splits[0], valid: splits[1], test: splits[2])
    }

    /// The contents of a UTF-8 text file; a missing or unreadable file is an error naming it.
    public static func readFile(_ path: String) throws(TextError) -> String { try read(path) }

    static func read(_ path: String) throws(TextError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .missingFile(path) }
        if isDirectory.boolValue { throw .directory(path) }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path)
        }
        return text
    }

    /// Lines as Python's file iteration gives them: a final newline does not start another line.
    static func lines(of text: String) -> [Substring] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// Ids of the words of `text`, `<eos>` after each line, growing the vocabulary.
    public static func tokenize(_ text: String, adding vocabulary: inout Vocabulary) -> [Int] {
        var ids: [Int] = []
        for line in lines(of: text) {
            for word in line.split(whereSeparator: \.isWhitespace) { ids.append(vocabulary.add(String(word))) }
            ids.append(vocabulary.add(Vocabulary.eos))
        }
        return ids
    }

    /// Ids of `text` against a fixed vocabulary; an unknown word is an error naming it, or, with
    /// `unknown` (the id of `<unk>`, say), reads as that id.
    public static func encode(_ text: String, with vocabulary: Vocabulary, unknown: Int? = nil) throws(TextError) -> [Int] {
        var ids: [Int] = []
        for line in lines(of: text) {
            for word in line.split(whereSeparator: \.isWhitespace) {
                guard let id = vocabulary.id(of: String(word)) ?? unknown else { throw .unknownWord(String(word)) }
                ids.append(id)
            }
            if let eos = vocabulary.id(of: Vocabulary.eos) { ids.append(eos) }
        }
        return ids
    }

    /// Reads a text file and encodes it with `vocabulary` (`unknown` as in `encode`).
    public static func encodeFile(_ path: String, with vocabulary: Vocabulary, unknown: Int? = nil) throws(TextError) -> [Int] {
        let ids = try encode(try read(path), with: vocabulary, unknown: unknown)
        guard !ids.isEmpty else { throw .empty(path) }
        return ids
    }
}
