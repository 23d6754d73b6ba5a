/// Why a tokenizer could not be built, read, written or used; each message is one line naming the
/// file, folder, character or word at fault.
public enum TokenizerError: TextFileReadingError, Equatable, CustomStringConvertible {
    case missingFile(String)
    /// The path names a folder where a text file is expected.
    case directory(String)
    case unreadable(String)
    /// A data path that is neither a text file nor a folder holding train.txt, valid.txt, test.txt.
    case missingData(String)
    /// A text (file) with no tokens.
    case empty(String)
    /// Characters a character tokenizer does not hold: the distinct ones in order of appearance,
    /// where the first one is (1-based line and column, in Unicode scalars) and in which file.
    case unknownCharacters([Unicode.Scalar], line: Int, column: Int, file: String?, known: Int)
    /// A word a word tokenizer does not hold, with its 1-based line.
    case unknownWord(String, line: Int, file: String?)
    /// A tokenizer folder that could not be read: the folder or file and why.
    case badFolder(String, reason: String)
    /// A file of a tokenizer folder that could not be written.
    case unwritable(String, reason: String)
    /// A byte-level BPE vocabulary must hold the 256 bytes.
    case vocabularyTooSmall(Int, minimum: Int)
    /// A text with no characters to learn from.
    case nothingToLearn(String)

    public var description: String {
        switch self {
        case .missingFile(let path): "file not found: \(path)"
        case .directory(let path): "\(path) is a directory, not a text file"
        case .unreadable(let path): "cannot read \(path) as UTF-8 text"
        case .missingData(let path): "no data at \(path): expected a text file or a folder with train.txt, valid.txt, test.txt"
        case .empty(let path): "no tokens in \(path)"
        case .unknownCharacters(let scalars, let line, let column, let file, let known):
            "character \(Self.show(scalars[0])) at line \(line), column \(column)\(file.map { " of \($0)" } ?? "")"
                + " is not among the tokenizer's \(known) characters"
                + (scalars.count > 1 ? " (also unknown: \(Self.list(Array(scalars.dropFirst()))))" : "")
        case .unknownWord(let word, let line, let file):
            "word '\(word)' at line \(line)\(file.map { " of \($0)" } ?? "") is not in the vocabulary"
        case .badFolder(let path, let reason): "cannot read tokenizer \(path): \(reason)"
        case .unwritable(let path, let reason): "cannot write \(path): \(reason)"
        case .vocabularyTooSmall(let size, let minimum):
            "byte-level BPE needs a vocabulary of at least \(minimum) (the 256 bytes), got \(size)"
        case .nothingToLearn(let what): "no text to learn a tokenizer from in \(what)"
        }
    }

    /// The same error located in `file` (for errors raised on a text before its file was known).
    public func inFile(_ file: String) -> TokenizerError {
        switch self {
        case .unknownCharacters(let scalars, let line, let column, _, let known):
            .unknownCharacters(scalars, line: line, column: column, file: file, known: known)
        case .unknownWord(let word, let line, _): .unknownWord(word, line: line, file: file)
        case .missingFile, .directory, .unreadable, .missingData, .empty, .badFolder, .unwritable, .vocabularyTooSmall,
            .nothingToLearn:
            self
        }
    }

    /// The same error with its position moved by where a part of a file starts (1-based).
    func shifted(line firstLine: Int, column firstColumn: Int) -> TokenizerError {
        switch self {
        case .unknownCharacters(let scalars, let line, let column, let file, let known):
            .unknownCharacters(
                scalars, line: line + firstLine - 1, column: line == 1 ? column + firstColumn - 1 : column, file: file,
                known: known)
        case .unknownWord(let word, let line, let file): .unknownWord(word, line: line + firstLine - 1, file: file)
        case .missingFile, .directory, .unreadable, .missingData, .empty, .badFolder, .unwritable, .vocabularyTooSmall,
            .nothingToLearn:
            self
        }
    }

    /// A scalar as it may be printed on one line: 'é' (U+00E9), '\n' (U+000A).
    static func show(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "'\(scalar.escaped(asASCII: false))' (U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex))"
    }

    /// The first few scalars shown, and how many more there are.
    private static func list(_ scalars: [Unicode.Scalar]) -> String {
        let shown = scalars.prefix(5).map(show).joined(separator: ", ")
        return scalars.count > 5 ? "\(shown) and \(scalars.count - 5) more" : shown
    }
}
