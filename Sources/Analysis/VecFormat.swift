import Foundation
import Tensor
import Text

/// fastText / word2vec text vectors (`.vec`): an optional header line `count dimension`, then one
/// line per word, `word v1 … vd`, fields separated by spaces.
extension WordVectors {
    /// Reads a `.vec` file, with or without its header line.
    public init(contentsOfVecFile path: String) throws(WordVectorsError) {
        let text = try TextFile.read(path, as: WordVectorsError.self)
        try self.init(vecText: text, path: path)
    }

    /// Parses `.vec` text (lines as `TextFile.lines` cuts them); `path` only names the source in errors.
    public init(vecText text: String, path: String = "vectors") throws(WordVectorsError) {
        var words: [String] = []
        var values: [Float] = []
        var firstLine: [String: Int] = [:]
        var header: (count: Int, dimension: Int)?
        var dimension = 0
        var dimensionLine = 0
        // Bytes, not Characters: grapheme breaking made a 18 MB file take seconds. Separators are
        // ASCII, so splitting UTF-8 on them never cuts a multi-byte word.
        let (space, tab) = (UInt8(ascii: " "), UInt8(ascii: "\t"))
        for (index, line) in TextFile.lines(of: text).enumerated() {
            let lineNumber = index + 1
            let fields = line.utf8.split(whereSeparator: { $0 == space || $0 == tab }).map { Substring($0) }
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
                // The header's count is a claim: a row takes at least two bytes a value, so the
                // text itself bounds what is worth reserving.
                let rows = min(header?.count ?? 1000, text.utf8.count / (2 * dimension) + 1)
                values.reserveCapacity(rows * dimension)
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
