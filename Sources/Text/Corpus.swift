import Foundation

/// Token ids of train/valid/test text over one vocabulary, as the word-LM recipe reads them:
/// whitespace-separated words, `<eos>` after every line, ids in first-seen order over train,
/// then valid, then test. The splits are 32-bit ids (`TokenIDs`), in memory or memory-mapped from
/// a token cache.
public struct Corpus: Sendable {
    public var vocabulary: Vocabulary
    public var train: TokenIDs
    public var valid: TokenIDs
    public var test: TokenIDs

    public init(vocabulary: Vocabulary, train: TokenIDs, valid: TokenIDs, test: TokenIDs) {
        self.vocabulary = vocabulary
        self.train = train
        self.valid = valid
        self.test = test
    }

    public init(vocabulary: Vocabulary, train: [Int], valid: [Int], test: [Int]) {
        self.init(vocabulary: vocabulary, train: TokenIDs(train), valid: TokenIDs(valid), test: TokenIDs(test))
    }

    /// The split files of a corpus folder, in the order their words get ids.
    public static let splitNames = ["train.txt", "valid.txt", "test.txt"]

    /// Reads `train.txt`, `valid.txt` and `test.txt` from `directory`, streaming each file's bytes
    /// (`WordStreamEncoder`); `progress` hears how far encoding has come.
    public init(directory: String, progress: ((EncodingProgress) -> Void)? = nil) throws(TextError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missingDirectory(directory)
        }
        var encoder = WordStreamEncoder()
        var splits: [TokenIDs] = []
        for name in Self.splitNames {
            let path = (directory as NSString).appendingPathComponent(name)
            splits.append(try encoder.encodeFile(path, progress: progress))
        }
        self.init(vocabulary: encoder.vocabulary, train: splits[0], valid: splits[1], test: splits[2])
    }

    /// The contents of a UTF-8 text file (`TextFile.read`: without a byte-order mark); a missing or
    /// unreadable file is an error naming it.
    public static func readFile(_ path: String) throws(TextError) -> String { try read(path) }

    static func read(_ path: String) throws(TextError) -> String { try TextFile.read(path, as: TextError.self) }

    /// Lines as Python's file iteration gives them (`TextFile.lines`: "\n", "\r\n" and "\r" end a
    /// line; a final line break does not start another line).
    static func lines(of text: String) -> [Substring] { TextFile.lines(of: text) }

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
    /// `unknown` (the id of `<unk>`, say), reads as that id and is passed to `replaced`.
    public static func encode(
        _ text: String, with vocabulary: Vocabulary, unknown: Int? = nil, replaced: ((Substring) -> Void)? = nil
    ) throws(TextError) -> [Int] {
        var ids: [Int] = []
        for line in lines(of: text) {
            for word in line.split(whereSeparator: \.isWhitespace) {
                if let id = vocabulary.id(of: String(word)) {
                    ids.append(id)
                } else if let unknown {
                    ids.append(unknown)
                    replaced?(word)
                } else {
                    throw .unknownWord(String(word))
                }
            }
            if let eos = vocabulary.id(of: Vocabulary.eos) { ids.append(eos) }
        }
        return ids
    }

    /// Reads a text file and encodes it with `vocabulary` (`unknown` and `replaced` as in `encode`).
    public static func encodeFile(
        _ path: String, with vocabulary: Vocabulary, unknown: Int? = nil, replaced: ((Substring) -> Void)? = nil
    ) throws(TextError) -> [Int] {
        let ids = try encode(try read(path), with: vocabulary, unknown: unknown, replaced: replaced)
        guard !ids.isEmpty else { throw .empty(path) }
        return ids
    }
}
