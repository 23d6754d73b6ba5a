import ArgumentParser
import Formats
import Foundation

/// Prints a one-line error to stderr and exits non-zero (user errors never trap).
func fail(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    return ExitCode.failure
}

/// Refuses an output file that cannot be written (a folder in its place, a missing or read-only
/// folder, a file where a folder should be) before any work is done.
func checkOutput(_ path: String) throws {
    if let problem = writeProblem(path) { throw fail("cannot write \(path): \(problem)") }
}

/// The one-line error for a write that failed all the same.
func writeFailure(_ path: String, _ error: any Error) -> ExitCode {
    if let error = error as? FileWriteError { return fail(error.description) }
    return fail("cannot write \(path): \(writeProblem(path) ?? error.localizedDescription)")
}
