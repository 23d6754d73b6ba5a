import Foundation

/// Why a file could not be written: one line naming the path and the reason (a folder where the
/// file should be, a file where a folder should be, no permission, a full disk …).
public struct FileWriteError: Error, CustomStringConvertible, LocalizedError {
    public let description: String
    public init(description: String) { self.description = description }
    public var errorDescription: String? { description }

    /// "cannot write PATH: REASON", the reason found by `writeProblem(_:)` or else the system's
    /// words for `errno`.
    static func naming(_ path: String, errno code: Int32) -> FileWriteError {
        let reason = writeProblem(path) ?? String(cString: strerror(code))
        return FileWriteError(description: "cannot write \(path): \(reason)")
    }
}

/// Why a file could not be written at `path`, without writing anything: "it is a directory",
/// "ANCESTOR is a file, not a directory", "the folder PARENT does not exist", "PARENT is not
/// writable"; nil when nothing stands in the way.
public func writeProblem(_ path: String) -> String? {
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
        if isDirectory.boolValue { return "it is a directory" }
        return manager.isWritableFile(atPath: path) ? nil : "the file is not writable"
    }
    let parent = parentFolder(of: path)
    if let problem = folderProblem(parent) { return problem }
    return parent.isEmpty || manager.fileExists(atPath: parent) ? nil : "the folder \(parent) does not exist"
}

/// Why a folder could not be created (or written into) at `path`, without creating anything: a
/// file in the way or an ancestor that is not writable; nil when nothing stands in the way.
public func folderProblem(_ path: String) -> String? {
    let manager = FileManager.default
    var folder = path.isEmpty ? "." : path
    var missing = false
    while true {
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: folder, isDirectory: &isDirectory) {
            if !isDirectory.boolValue { return "\(folder) is a file, not a directory" }
            if !manager.isWritableFile(atPath: folder) {
                return missing ? "cannot create a folder in \(folder) (not writable)" : "\(folder) is not writable"
            }
            return nil
        }
        missing = true
        let parent = parentFolder(of: folder)
        if parent.isEmpty || parent == folder { return nil }
        folder = parent
    }
}

/// The folder part of `path` ("" for a bare name, "/" at the root), trailing slashes ignored.
/// By hand: Foundation's `NSString.deletingLastPathComponent` traps on one-character paths
/// such as "h" or "." (swift-corelibs-foundation on Linux, Swift 6.3.1).
func parentFolder(of path: String) -> String {
    var path = Substring(path)
    while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
    guard let slash = path.lastIndex(of: "/") else { return "" }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}

/// Writes `data` to `url` so that readers see either the old file or the complete new one: the
/// bytes go to a temporary file beside the target, are flushed to disk, and the temporary file is
/// renamed over the target (rename is atomic within a file system). Foundation's `.atomic` option
/// stages files in a directory it leaves behind in /tmp, and copies across file systems. A failure
/// is a `FileWriteError` naming the path and the reason.
public func writeAtomically(_ data: Data, to url: URL) throws {
    try writeAtomically(to: url) { write in try data.withUnsafeBytes { try write($0) } }
}

/// `writeAtomically(_:to:)` for a file written in pieces: `body` calls `write` with each piece in
/// order (a large file need not be one `Data` in memory). A failure of a write, or an error
/// `body` throws, leaves the old file as it was.
public func writeAtomically(
    to url: URL, _ body: (_ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
) throws {
    let directory = url.deletingLastPathComponent().path
    let temporary = (directory as NSString).appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw FileWriteError.naming(url.path, errno: errno) }
    struct Failed: Error { let code: Int32 }
    var failure: Int32 = 0
    var ok = true
    do {
        try body { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { throw Failed(code: errno) }
                offset += written
            }
        }
    } catch let error as Failed {
        (ok, failure) = (false, error.code)
    } catch {
        close(fd)
        unlink(temporary)
        throw error
    }
    if ok && fsync(fd) != 0 { (ok, failure) = (false, errno) }
    close(fd)
    if ok && rename(temporary, url.path) != 0 { (ok, failure) = (false, errno) }
    guard ok else {
        unlink(temporary)
        throw FileWriteError.naming(url.path, errno: failure)
    }
}
