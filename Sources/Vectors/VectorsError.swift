/// Why skip-gram training could not start; each description is one line naming the file or the
/// setting at fault.
public enum VectorsError: Error, Equatable, CustomStringConvertible {
    case missingFile(String)
    /// The path names a folder where a text file is expected.
    case directory(String)
    case unreadable(String)
    /// No input file was given.
    case noInput
    /// The input files hold no words at all.
    case emptyCorpus([String])
    /// Words exist, but none occurs `minCount` times.
    case noFrequentWord(minCount: Int, mostFrequent: String, count: Int)
    /// Only one word is kept, so no negative word can be drawn.
    case singleWord(String, minCount: Int)
    /// A hyper-parameter is outside its allowed range; `name` is its flag, `requirement` says why.
    case invalidSetting(name: String, value: String, requirement: String)

    public var description: String {
        switch self {
        case .missingFile(let path): "file not found: \(path)"
        case .directory(let path): "\(path) is a directory, not a text file"
        case .unreadable(let path): "cannot read \(path)"
        case .noInput: "no input file given"
        case .emptyCorpus(let paths): "no words in \(paths.joined(separator: ", "))"
        case .noFrequentWord(let minCount, let word, let count):
            "no word occurs --min-count \(minCount) times (the most frequent, '\(word)', occurs \(count) times)"
        case .singleWord(let word, let minCount):
            "only one word, '\(word)', occurs --min-count \(minCount) times; negative sampling needs at least two"
        case .invalidSetting(let name, let value, let requirement): "--\(name) \(value): \(requirement)"
        }
    }
}
