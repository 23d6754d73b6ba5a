import Foundation

/// Why a `label sentence` file could not be read; one line naming the file (and line) at fault.
public enum LabelledSentencesError: Error, Equatable, CustomStringConvertible {
    case missingFile(String)
    /// The path names a folder where a file is expected.
    case directory(String)
    case unreadable(String)
    case empty(String)
    case missingLabel(String, line: Int)
    case nonIntegerLabel(String, line: Int, label: String)
    case unknownLabel(String, line: Int, label: Int)

    public var description: String {
        switch self {
        case .missingFile(let path): "file not found: \(path)"
        case .directory(let path): "\(path) is a directory, not a text file"
        case .unreadable(let path): "cannot read \(path) as UTF-8 text"
        case .empty(let path): "no labelled sentences in \(path)"
        case .missingLabel(let path, let line): "\(path) line \(line): no label (expected 'label sentence')"
        case .nonIntegerLabel(let path, let line, let label): "\(path) line \(line): label '\(label)' is not an integer"
        case .unknownLabel(let path, let line, let label): "\(path) line \(line): label \(label) was not seen in training"
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

    /// Parses `text`; `source` names it in errors.
    public init(parsing text: String, source: String) throws(LabelledSentencesError) {
        var examples: [LabelledSentence] = []
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let words = line.split(whereSeparator: \.isWhitespace)
            guard let first = words.first else { continue }
            // A line that starts with a non-numeric word is a sentence without its label.
            guard let label = Int(first) else {
                let looksNumeric = first.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }
                if looksNumeric { throw .nonIntegerLabel(source, line: number, label: String(first)) }
                throw .missingLabel(source, line: number)
            }
            examples.append(LabelledSentence(label: label, tokens: words.dropFirst().map(String.init), line: number))
        }
        guard !examples.isEmpty else { throw .empty(source) }
        self.init(examples: examples, source: source)
    }

    /// Reads a `label sentence` file: UTF-8, or Latin-1 when the bytes are not UTF-8 (Kim's
    /// TREC files are Latin-1; every byte sequence is valid Latin-1).
    public init(contentsOf path: String) throws(LabelledSentencesError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .missingFile(path) }
        if isDirectory.boolValue { throw .directory(path) }
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1)
        else {
            throw .unreadable(path)
        }
        try self.init(parsing: text, source: path)
    }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> LabelledSentences {
        LabelledSentences(examples: indices.map { examples[$0] }, source: source)
    }
}
