import ArgumentParser
import Foundation

/// Prints a one-line error to stderr and exits non-zero (user errors never trap).
func fail(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    return ExitCode.failure
}

extension URL {
    /// A checkpoint path: a run folder means its model.safetensors.
    static func checkpoint(_ path: String) -> URL {
        var isDirectory: ObjCBool = false
        let url = URL(fileURLWithPath: path)
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return url.appendingPathComponent("model.safetensors")
        }
        return url
    }
}
