/// Why a run folder could not be read; one line naming the folder or file (and line) at fault.
public enum RunRecordError: Error, Equatable, CustomStringConvertible {
    /// The path does not exist or is not a folder.
    case notAFolder(String)
    /// The folder has neither config.json nor metrics.jsonl, nor sweep.json, nor run folders inside.
    case notARunFolder(String)
    /// A sweep folder in which no run has started.
    case noRuns(String)
    /// A file the run folder needs is missing.
    case missingFile(String)
    /// A file that cannot be read or parsed as a whole.
    case unreadable(file: String, reason: String)
    /// One line of metrics.jsonl that is not a valid record.
    case badLine(file: String, line: Int, reason: String)
    /// A sentence-classifier run folder (`perplex classify train --save`), not a language model's.
    case classifierRun(String)

    public var description: String {
        switch self {
        case .notAFolder(let path): "run folder not found: \(path)"
        case .notARunFolder(let path): "\(path) is not a run folder (no config.json or metrics.jsonl) or a sweep folder"
        case .noRuns(let path): "no run of the sweep in \(path) has started"
        case .missingFile(let path): "file not found: \(path)"
        case .unreadable(let file, let reason): "\(file): \(reason)"
        case .badLine(let file, let line, let reason): "\(file): line \(line): \(reason)"
        case .classifierRun(let path):
            "\(path) is a sentence-classifier run (perplex classify train), not a language model's; reports compare language-model runs"
        }
    }
}
