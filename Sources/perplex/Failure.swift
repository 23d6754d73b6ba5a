import ArgumentParser
import Foundation

/// Prints a one-line error to stderr and exits non-zero (user errors never trap).
func fail(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    return ExitCode.failure
}
