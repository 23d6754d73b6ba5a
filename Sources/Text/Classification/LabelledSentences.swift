import Foundation

/// Why a `label sentence` file could not be read; one line naming the file (and line) at fault.
public enum LabelledSentencesError: TextFileReadingError, Equatable, CustomStringConvertible {
    case missingFile(String)
    /// The path names a folder where a file is expected.
    case directory(String)
    case unreadable(String)
    case empty(String)
    case missingLabel(String, line: Int)
    case nonIntegerLabel(String, line: Int, label: String)
    case unknownLabel(String, line: Int, label: Int)
    case tooLong(String, line: Int, words: Int)

    public var description: String {
        switch self {
        case .missingFile(let path): "file not found: \(path)"
        case .directory(let path): "\(path) is a directory, not a text file"
        case .unreadable(let path): "cannot read \(path) as UTF-8 text"
        case .empty(let path): "no labelled sentences in \(path)"
        case .missingLabel(let path, let line): "\(path) line \(line): no label (expected 'label sentence')"
        case .nonIntegerLabel(let path, let line, let label): "\(path) line \(line): label '\(label)' is not an integer"
        case .unknownLabel(let path, let line, let label): "\(path) line \(line): label \(label) was not seen in training"
        case .tooLong(let path, let line, let words):
            "\(path) line \(line): \(words) words, more than the \(LabelledSentences.maxWords) a sentence may have"
        }
    }
}

/// One example: the label as written in the file and the sentence's whitespace-separated tokens.
public struct LabelledSentence: Sendable, Equatable {
    public var label: Int
    public var tokens: [String]
    /// The 1-based line of the file it came from (0 when not from a file).
    public var line: Int

    public init(label: Int, tokens: [String], line: Int = 0) {
        self.label = label
        self.tokens = tokens
        self.line = line
    }
}

/// A classification data set in the `label sentence` format of Kim (2014)'s files (TREC, SST,
/// MR, Subj, CR, MPQA): an integer label, a space, then the tokenised sentence. Blank lines are
/// skipped; a label with no words after it is a valid (empty) sentence.
public struct LabelledSentences: Sendable, Equatable {
    public var examples: [LabelledSentence]
    /// Where the examples came from (for messages).
    public var source: String

    public init(examples: [LabelledSentence], source: String = "data") {
        self.examples = examples
        self.source = source
    }

    public var count: Int { examples.count }

    /// The distinct labels, ascending: class index i stands for `labels[i]`.
    public var labels: [Int] { Array(Set(examples.map(\.label))).sorted() }

    /// The most words a sentence may have. A batch pads every sentence to its longest, so one
    /// runaway line (a file that lost its line breaks) would cost batch size × its length for
    /// every layer: 100,000 words needed over a gigabyte. The longest sentences of Kim (2014)'s data
    /// sets have 120 words (Subj); a longer line is refused rather than cut, as it is more likely a
    /// broken file than a sentence.
    public static let maxWords = 1000

    /// The whitespace-separated words of one sentence, line `line` of `source`; more than
    /// `maxWords` words is an error naming the line.
    public static func words(of sentence: Substring, source: String, line: Int) throws(LabelledSentencesError) -> [Substring] {
        let words = sentence.split(whereSeparator: \.isWhitespace)
        guard words.count <= maxWords else { throw .tooLong(source, line: line, words: words.count) }
        return words
    }

    /// Parses `text` (lines as `TextFile.lines` cuts them); `source` names it in errors.
    public init(parsing text: String, source: String) throws(LabelledSentencesError) {
        var examples: [LabelledSentence] = []
        for (index, line) in TextFile.lines(of: text).enumerated() {
            let number = index + 1
            guard let first = line.split(maxSplits: 1, whereSeparator: \.isWhitespace).first else { continue }
            // A line that starts with a non-numeric word is a sentence without its label.
            guard let label = Int(first) else {
                let looksNumeric = first.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }
                if looksNumeric { throw .nonIntegerLabel(source, line: number, label: String(first)) }
                throw .missingLabel(source, line: number)
            }
            let sentence = line[first.endIndex...]
            let words = try Self.words(of: sentence, source: source, line: number)
            examples.append(LabelledSentence(label: label, tokens: words.map(String.init), line: number))
        }
        guard !examples.isEmpty else { throw .empty(source) }
        self.init(examples: examples, source: source)
    }

    /// Reads a `label sentence` file: UTF-8 (a byte-order mark dropped), or Latin-1 when the bytes
    /// are not UTF-8 (Kim's TREC files are Latin-1; every byte sequence is valid Latin-1).
    public init(contentsOf path: String) throws(LabelledSentencesError) {
        let text = try TextFile.read(path, latin1Fallback: true, as: LabelledSentencesError.self)
        try self.init(parsing: text, source: path)
    }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> LabelledSentences {
        LabelledSentences(examples: indices.map { examples[$0] }, source: source)
    }
}
