/// Why text could not be read; each message names the file or word at fault.
public enum TextError: TextFileReadingError, Equatable, CustomStringConvertible {
    case missingDirectory(String)
    case missingFile(String)
    /// The path names a folder where a text file is expected.
    case directory(String)
    case unreadable(String)
    case empty(String)
    case tooShort(String, tokens: Int, needed: Int)
    case unknownWord(String)
    case badBatchSize(Int)
    case tooFewForBatch(String, tokens: Int, batchSize: Int)

    public var description: String {
        switch self {
        case .missingDirectory(let path): "data folder not found: \(path)"
        case .missingFile(let path): "file not found: \(path)"
        case .directory(let path): "\(path) is a directory, not a text file"
        case .unreadable(let path): "cannot read \(path) as UTF-8 text"
        case .empty(let path): "no words in \(path)"
        case .tooShort(let what, let tokens, let needed): "\(what) has \(tokens) tokens, fewer than the \(needed) needed"
        case .unknownWord(let word): "word '\(word)' is not in the vocabulary"
        case .badBatchSize(let size): "batch size must be 1…\(BatchedStream.maxBatchSize), got \(size)"
        case .tooFewForBatch(let what, let tokens, let batchSize):
            "\(what) has \(tokens) tokens, too few for one batch of \(batchSize) (need \(Self.twice(batchSize)))"
        }
    }

    /// 2 × `n` as text, without trapping where that overflows.
    private static func twice(_ n: Int) -> String {
        let (value, overflow) = n.multipliedReportingOverflow(by: 2)
        return overflow ? "2 × \(n)" : "\(value)"
    }
}
