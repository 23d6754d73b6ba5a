import Foundation
import Tensor

/// fastText / word2vec text vectors (`.vec`): an optional header line `count dimension`, then one
/// line per word, `word v1 … vd`, fields separated by spaces.
extension WordVectors {
    /// Reads a `.vec` file, with or without its header line.
    public init(contentsOfVecFile path: String) throws(WordVectorsError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .missingFile(path) }
        if isDirectory.boolValue { throw .directory(path) }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path)
        }
        try self.init(vecText: text, path: path)
    }

    /// Parses `.vec` text; `path` only names the source in errors.
    public init(vecText text: String, path: String = "vectors") throws(WordVectorsError) {
        var words: [String] = []
        var values: [Float] = []
        var firstLine: [String: Int] = [:]
        var header: (count: Int, dimension: Int)?
        var dimension = 0
        var dimensionLine = 0
        var lineNumber = 0
        // Bytes, not Characters: grapheme breaking made a 18 MB file take seconds. Separators are
        // ASCII, so splitting UTF-8 on them never cuts a multi-byte word.
        let (newline, space, tab, carriageReturn) = (
            UInt8(ascii: "\n"), UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r")
        )
        for rawLine in text.utf8.split(separator: newline, omittingEmptySubsequences: false) {
            lineNumber += 1
            let fields = rawLine.split(whereSeparator: { $0 == space || $0 == tab || $0 == carriageReturn }).map { Substring($0) }
            if fields.isEmpty { continue }
            if words.isEmpty, header == nil, dimension == 0, fields.count == 2,
                let count = Int(fields[0]), let dim = Int(fields[1]), count >= 0, dim > 0
            {
                header = (count, dim)
                continue
            }
            guard fields.count > 1 else { throw .noValues(path: path, line: lineNumber) }
            if dimension == 0 {
                (dimension, dimensionLine) = (fields.count - 1, lineNumber)
                values.reserveCapacity(dimension * (header?.count ?? 1000))
            } else if fields.count - 1 != dimension {
                throw .raggedRow(
                    path: path, line: lineNumber, values: fields.count - 1, expected: dimension, firstLine: dimensionLine)
            }
            let word = String(fields[0])
            if let first = firstLine[word] { throw .duplicateWord(path: path, word: word, line: lineNumber, firstLine: first) }
            firstLine[word] = lineNumber
            words.append(word)
            for field in fields.dropFirst() {
                guard let value = Float(field), value.isFinite else {
                    throw .notANumber(path: path, line: lineNumber, value: String(field))
                }
                values.append(value)
            }
        }
        guard !words.isEmpty else { throw .empty(path) }
        if let header, header.count != words.count || header.dimension != dimension {
            throw .headerMismatch(
                path: path, headerCount: header.count, headerDimension: header.dimension,
                rows: words.count, dimension: dimension)
        }
        try self.init(words: words, matrix: Tensor(shape: [words.count, dimension], values))
    }

    /// The vectors as `.vec` text with its header; values print in Float's shortest round-trip form,
    /// so reading the text back gives the same bits.
    public func vecText() -> String {
        var out = "\(count) \(dimension)\n"
        let p = matrix.pointer
        for (i, word) in words.enumerated() {
            out += word
            for t in 0..<dimension { out += " \(p[i * dimension + t])" }
            out += "\n"
        }
        return out
    }

    /// Writes `vecText()` to `url` atomically.
    public func writeVecFile(to url: URL) throws {
        try Data(vecText().utf8).write(to: url, options: .atomic)
    }
}
