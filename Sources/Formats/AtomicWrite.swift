import Foundation

/// Writes `data` to `url` so that readers see either the old file or the complete new one: the
/// bytes go to a temporary file beside the target, are flushed to disk, and the temporary file is
/// renamed over the target (rename is atomic within a file system). Foundation's `.atomic` option
/// stages files in a directory it leaves behind in /tmp, and copies across file systems.
public func writeAtomically(_ data: Data, to url: URL) throws {
    let directory = url.deletingLastPathComponent().path
    let temporary = (directory as NSString).appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary]) }
    var ok = true
    data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
        var offset = 0
        while ok && offset < raw.count {
            let written = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
            if written <= 0 { ok = false } else { offset += written }
        }
    }
    ok = ok && fsync(fd) == 0
    close(fd)
    guard ok, rename(temporary, url.path) == 0 else {
        unlink(temporary)
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
    }
}
