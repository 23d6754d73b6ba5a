import Foundation

/// A part of a data text, where it came from and where it starts in that file (errors name the
/// file's line and column, not the part's).
public struct TextPart: Sendable, Equatable {
    public var text: String
    /// The file it was read from.
    public var source: String
    /// 1-based line and column (in Unicode scalars) of its first character in `source`.
    public var line: Int
    public var column: Int

    public init(text: String, source: String, line: Int = 1, column: Int = 1) {
        self.text = text
        self.source = source
        self.line = line
        self.column = column
    }

    /// Characters (Unicode scalars, as Python counts them), for bits per character.
    public var characterCount: Int { text.unicodeScalars.count }

    /// The part's token ids; an error names the file and its position there.
    public func encoded(with tokenizer: some Tokenizer) throws(TokenizerError) -> TokenStream {
        let ids: [Int]
        do { ids = try tokenizer.encode(text) } catch { throw error.shifted(line: line, column: column).inFile(source) }
        guard !ids.isEmpty else { throw .empty(source) }
        return TokenStream(ids: ids, characters: characterCount)
    }
}

/// Training text for a language model: a folder's train.txt / valid.txt / test.txt, or one text
/// file (nanoGPT's input.txt) cut into its first 90 % of characters for training and the rest for
/// validation, as nanoGPT's `prepare.py` does (`int(n * 0.9)` characters; no test part).
///
/// ```swift
/// let data = try SplitText.read("data/tinyshakespeare/input.txt")
/// let tokenizer = CharTokenizer(text: data.all)
/// let streams = try data.encoded(with: tokenizer)   // streams.train.ids, streams.valid.ids
/// ```
public struct SplitText: Sendable, Equatable {
    public var train: TextPart
    public var valid: TextPart
    public var test: TextPart?

    /// The share of a single file's characters that trains.
    public static let trainFraction = 0.9

    public init(train: TextPart, valid: TextPart, test: TextPart?) {
        self.train = train
        self.valid = valid
        self.test = test
    }

    /// `text` cut as nanoGPT cuts input.txt: the first `int(n · 0.9)` of its n characters train.
    public init(text: String, source: String) {
        let scalars = text.unicodeScalars
        let cut = scalars.index(scalars.startIndex, offsetBy: Int(Double(scalars.count) * Self.trainFraction))
        let head = String(scalars[..<cut])
        var (line, column) = (1, 1)
        for scalar in head.unicodeScalars {
            if scalar == "\n" { (line, column) = (line + 1, 1) } else { column += 1 }
        }
        self.init(
            train: TextPart(text: head, source: source),
            valid: TextPart(text: String(scalars[cut...]), source: source, line: line, column: column), test: nil)
    }

    /// A folder with train.txt, valid.txt and test.txt, or a text file split 90/10; line breaks
    /// read as "\n" (`TokenizerText`).
    public static func read(_ path: String) throws(TokenizerError) -> SplitText {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .missingData(path) }
        guard isDirectory.boolValue else { return SplitText(text: try TokenizerText.read(path), source: path) }
        var parts: [TextPart] = []
        for name in ["train.txt", "valid.txt", "test.txt"] {
            let file = (path as NSString).appendingPathComponent(name)
            parts.append(TextPart(text: try TokenizerText.read(file), source: file))
        }
        return SplitText(train: parts[0], valid: parts[1], test: parts[2])
    }

    /// The parts in order, for building a vocabulary over all of them (as `Corpus` does).
    public var parts: [TextPart] { [train, valid] + (test.map { [$0] } ?? []) }

    /// All the text, parts in order.
    public var all: String { parts.map(\.text).joined() }

    /// Each part's token ids.
    public func encoded(with tokenizer: some Tokenizer) throws(TokenizerError) -> TokenStreams {
        TokenStreams(
            train: try train.encoded(with: tokenizer), valid: try valid.encoded(with: tokenizer),
            test: try test.map { (part) throws(TokenizerError) in try part.encoded(with: tokenizer) })
    }
}

/// One part's token ids and how many characters they spell (for bits per character).
public struct TokenStream: Sendable, Equatable {
    public var ids: [Int]
    public var characters: Int

    public init(ids: [Int], characters: Int) {
        self.ids = ids
        self.characters = characters
    }

    /// Characters per token (0 for no tokens), which turns a per-token loss into bits per character.
    public var charactersPerToken: Double { ids.isEmpty ? 0 : Double(characters) / Double(ids.count) }
}

/// The token streams of a `SplitText`.
public struct TokenStreams: Sendable, Equatable {
    public var train: TokenStream
    public var valid: TokenStream
    /// Nil for a single file (nanoGPT's split has no test part).
    public var test: TokenStream?

    public init(train: TokenStream, valid: TokenStream, test: TokenStream?) {
        self.train = train
        self.valid = valid
        self.test = test
    }
}
