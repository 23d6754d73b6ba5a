import Foundation

/// A file's bytes mapped read-only into memory (`mmap`): the pages come from the page cache as
/// they are read and cost no copy, so a 500 MB corpus or token cache is read without a 500 MB
/// buffer. Unmapped with the last reference.
public final class MappedFile: @unchecked Sendable {
    /// The bytes; empty for an empty file. Never written.
    public let bytes: UnsafeRawBufferPointer

    /// Maps the file at `path`; nil when it cannot be opened or mapped (missing, a folder,
    /// unreadable), so each reader says why in its own words.
    public init?(_ path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let size = Int(info.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else { return nil }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    /// Drops the pages read so far from this process' resident memory (`madvise(MADV_DONTNEED)`):
    /// the file stays mapped, and a later read brings a page back from the page cache.
    public func release() {
        if let base = bytes.baseAddress {
            _ = madvise(UnsafeMutableRawPointer(mutating: base), bytes.count, Int32(MADV_DONTNEED))
        }
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
