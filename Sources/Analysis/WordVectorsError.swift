import Text

/// Why word vectors could not be read or used; each description is one line naming the file, line
/// or word at fault.
public enum WordVectorsError: TextFileReadingError, Equatable, CustomStringConvertible {
    case missingFile(String)
    /// The path names a folder where a file is expected.
    case directory(String)
    case unreadable(String)
    /// The file holds no vectors (empty, blank, or only a header).
    case empty(String)
    /// A row has a different number of values from the first row.
    case raggedRow(path: String, line: Int, values: Int, expected: Int, firstLine: Int)
    /// A row has a word but no values.
    case noValues(path: String, line: Int)
    /// The `count dim` header disagrees with the rows that follow it.
    case headerMismatch(path: String, headerCount: Int, headerDimension: Int, rows: Int, dimension: Int)
    /// A value is not a finite number.
    case notANumber(path: String, line: Int, value: String)
    /// A word appears on two rows.
    case duplicateWord(path: String, word: String, line: Int, firstLine: Int)
    /// The words and the matrix rows do not pair up.
    case shapeMismatch(words: Int, shape: [Int])
    /// A word has no vector; `suggestions` are close spellings that do.
    case unknownWord(String, suggestions: [String])
    /// A checkpoint has no input embedding (`encoder.weight`).
    case noEmbedding(String)

    public var description: String {
        switch self {
        case .missingFile(let path): "file not found: \(path)"
        case .directory(let path): "\(path) is a directory, not a vectors file"
        case .unreadable(let path): "cannot read \(path) as UTF-8 text"
        case .empty(let path): "\(path): no vectors (empty file)"
        case .raggedRow(let path, let line, let values, let expected, let firstLine):
            "\(path): line \(line) has \(values) values, expected \(expected) as on line \(firstLine)"
        case .noValues(let path, let line): "\(path): line \(line) has a word but no values"
        case .headerMismatch(let path, let count, let dim, let rows, let dimension):
            "\(path): the header says \(count) words of dimension \(dim), the file has \(rows) rows of dimension \(dimension)"
        case .notANumber(let path, let line, let value): "\(path): line \(line): '\(value)' is not a finite number"
        case .duplicateWord(let path, let word, let line, let firstLine):
            "\(path): line \(line): word '\(word)' already appeared on line \(firstLine)"
        case .shapeMismatch(let words, let shape): "\(words) words do not match a vector matrix of shape \(shape)"
        case .unknownWord(let word, let suggestions):
            suggestions.isEmpty
                ? "word '\(word)' is not in the vocabulary"
                : "word '\(word)' is not in the vocabulary; did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?"
        case .noEmbedding(let path): "\(path): no input embedding 'encoder.weight' in the model"
        }
    }
}
