import Foundation

/// A last line for when the MPI launcher stops this rank: when one rank dies, `mpirun` sends
/// SIGTERM to the others, which would otherwise vanish without a word about the run's state.
public enum TerminationNotice {
    nonisolated(unsafe) private static var text: UnsafeMutablePointer<UInt8>?
    nonisolated(unsafe) private static var length = 0

    /// On SIGTERM, writes `message` (one line) to stderr and exits with status 143. The text is
    /// prepared here, so the handler only calls async-signal-safe functions.
    public static func install(_ message: String) {
        let bytes = Array((message + "\n").utf8)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
        buffer.initialize(from: bytes, count: bytes.count)
        text = buffer
        length = bytes.count
        signal(SIGTERM) { _ in
            if let text = TerminationNotice.text { _ = write(STDERR_FILENO, text, TerminationNotice.length) }
            _exit(143)
        }
    }
}
