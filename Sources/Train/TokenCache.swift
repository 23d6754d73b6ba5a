import Formats
import Foundation
import Text

/// A corpus folder's encoded splits, kept beside the data (`DIR/.perplex/tokens-….bin`) so that a
/// later run maps them instead of reading the text: a header (magic, version, each source file's
/// size and content hash, the vocabulary limit, counts), the vocabulary (words separated by "\n";
/// a word never holds whitespace), then train, valid and test as little-endian Int32, and last a
/// hash of the four parts' hashes (header and vocabulary, each split), so that every byte is
/// checked without hashing the file in one piece. A file whose magic, version, sources, limit or hash disagree is
/// not used; the run re-encodes and rewrites it.
public enum TokenCache {
    static let magic = Array("PPLXTOK\0".utf8)
    static let version: UInt32 = 1
    /// Header: magic, version, 3 × (size, hash), max words, min count, vocabulary count and bytes,
    /// 3 split counts (8 bytes each but the version's 4 + 4 padding).
    static let headerSize = 8 + 8 + 3 * 16 + 16 + 16 + 24

    /// A source file's size and content hash (`ContentHash` over its bytes).
    public struct Source: Equatable, Sendable {
        public var size: UInt64
        public var hash: UInt64
    }

    /// The file name for `limit` (each limit its own file, so switching back is free).
    public static func fileName(_ limit: VocabularyLimit) -> String {
        "tokens-v\(version)-max\(limit.maxWords.map(String.init) ?? "all")-min\(limit.minCount ?? 1).bin"
    }

    /// Where the cache for `directory` goes: `directory/.perplex`, or when that cannot be written,
    /// `~/.cache/perplex/<hash of the folder's path>`; nil when neither can.
    public static func folder(for directory: String) -> String? {
        let beside = (directory as NSString).appendingPathComponent(".perplex")
        if folderProblem(beside) == nil { return beside }
        let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
        let key = String(ContentHash.hash(Array(absolute.utf8)), radix: 16)
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        let fallback = (home as NSString).appendingPathComponent(".cache/perplex/\(key)")
        return folderProblem(fallback) == nil ? fallback : nil
    }

    /// The sizes and hashes of the split files (nil when one cannot be read). Read in chunks,
    /// not mapped, so that hashing 500 MB of text adds nothing to the run's resident memory.
    public static func sources(of directory: String) -> [Source]? {
        var sources: [Source] = []
        let chunk = 16 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 8)
        defer { buffer.deallocate() }
        for name in Corpus.splitNames {
            let fd = open((directory as NSString).appendingPathComponent(name), O_RDONLY)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            // Each chunk's hash chained into the next: the whole file's content, in bounded memory.
            var (size, hash): (UInt64, UInt64) = (0, 0)
            while true {
                let read = Foundation.read(fd, buffer.baseAddress, chunk)
                if read < 0 { return nil }
                if read == 0 { break }
                hash = ContentHash.hash(UnsafeRawBufferPointer(rebasing: buffer[0..<read]), seed: hash)
                size += UInt64(read)
            }
            sources.append(Source(size: size, hash: hash))
        }
        return sources
    }

    /// Why the cache at `path` cannot be used.
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case missing
        case corrupt(String)
        case stale(String)

        public var description: String {
            switch self {
            case .missing: "no token cache"
            case .corrupt(let why): "the token cache is corrupt (\(why))"
            case .stale(let why): "the token cache is stale (\(why))"
            }
        }
    }

    /// The corpus held in the cache at `path`, its splits mapped from the file, when the file is
    /// whole and was made from `sources` with `limit`.
    public static func load(_ path: String, sources: [Source], limit: VocabularyLimit) -> Result<Corpus, Refusal> {
        guard let file = MappedFile(path) else { return .failure(.missing) }
        let bytes = file.bytes
        guard bytes.count >= headerSize + 8 else { return .failure(.corrupt("truncated")) }
        func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        guard Array(bytes[0..<8]) == magic else { return .failure(.corrupt("not a token cache")) }
        guard UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self)) == version else {
            return .failure(.stale("another version"))
        }
        for (i, source) in sources.enumerated() where Source(size: u64(16 + 16 * i), hash: u64(24 + 16 * i)) != source {
            return .failure(.stale("\(Corpus.splitNames[i]) changed"))
        }
        guard Int64(bitPattern: u64(64)) == Int64(limit.maxWords ?? -1), Int64(bitPattern: u64(72)) == Int64(limit.minCount ?? -1)
        else { return .failure(.stale("another vocabulary limit")) }
        let (wordCount, wordBytes) = (Int(u64(80)), Int(u64(88)))
        let counts = [Int(u64(96)), Int(u64(104)), Int(u64(112))]
        let idsStart = aligned(headerSize + wordBytes)
        guard wordCount > 0, wordBytes >= 0, wordBytes < bytes.count, counts.allSatisfy({ $0 >= 0 && $0 < bytes.count }),
            idsStart + 4 * counts.reduce(0, +) + 8 == bytes.count
        else { return .failure(.corrupt("truncated or bad counts")) }
        var parts = [ContentHash.hash(UnsafeRawBufferPointer(rebasing: bytes[0..<idsStart]))]
        var start = idsStart
        for count in counts {
            parts.append(ContentHash.hash(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + 4 * count)])))
            start += 4 * count
        }
        guard parts.withUnsafeBytes({ ContentHash.hash($0) }) == u64(bytes.count - 8) else {
            return .failure(.corrupt("its hash does not match"))
        }
        let words = bytes[headerSize..<(headerSize + wordBytes)].split(
            separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false
        )
        .map { String(decoding: $0, as: UTF8.self) }
        guard words.count == wordCount else { return .failure(.corrupt("bad vocabulary")) }
        var splits: [TokenIDs] = []
        var offset = idsStart
        for count in counts {
            let base = (bytes.baseAddress! + offset).assumingMemoryBound(to: Int32.self)
            splits.append(TokenIDs(mapping: base, count: count, keeping: file))
            offset += 4 * count
        }
        for split in splits {
            let valid = split.withUnsafeInt32s { ids in ids.allSatisfy { $0 >= 0 && Int($0) < wordCount } }
            guard valid else { return .failure(.corrupt("an id beyond the vocabulary")) }
        }
        // Checking touched every page; let them go from this process' resident set (they stay in
        // the page cache, and training maps each back as its columns are read).
        file.release()
        return .success(Corpus(vocabulary: Vocabulary(words: words), train: splits[0], valid: splits[1], test: splits[2]))
    }

    static func aligned(_ offset: Int) -> Int { (offset + 7) / 8 * 8 }

    /// Writes `corpus` as the cache at `path` (atomically: a reader sees the old file or the new).
    public static func write(_ corpus: Corpus, sources: [Source], limit: VocabularyLimit, to path: String) throws {
        precondition(sources.count == 3, "TokenCache.write: three sources")
        let words = Array(corpus.vocabulary.words.joined(separator: "\n").utf8)
        var header = [UInt8]()
        func put(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { header.append(contentsOf: $0) } }
        header += magic
        withUnsafeBytes(of: version.littleEndian) { header.append(contentsOf: $0) }
        header += [0, 0, 0, 0]
        for source in sources {
            put(source.size)
            put(source.hash)
        }
        put(UInt64(bitPattern: Int64(limit.maxWords ?? -1)))
        put(UInt64(bitPattern: Int64(limit.minCount ?? -1)))
        put(UInt64(corpus.vocabulary.count))
        put(UInt64(words.count))
        for split in [corpus.train, corpus.valid, corpus.test] { put(UInt64(split.count)) }
        assert(header.count == headerSize)
        header += words
        header += [UInt8](repeating: 0, count: aligned(header.count) - header.count)
        // The trailing hash: of the parts' hashes, each computed as the part is written.
        var parts: [UInt64] = []
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try writeAtomically(to: URL(fileURLWithPath: path)) { (write: (UnsafeRawBufferPointer) throws -> Void) throws in
            try header.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws in
                parts.append(ContentHash.hash(bytes))
                try write(bytes)
            }
            for split in [corpus.train, corpus.valid, corpus.test] {
                try split.withUnsafeInt32s { (ids: UnsafeBufferPointer<Int32>) throws in
                    let bytes = UnsafeRawBufferPointer(ids)
                    parts.append(ContentHash.hash(bytes))
                    try write(bytes)
                }
            }
            try withUnsafeBytes(of: parts.withUnsafeBytes { ContentHash.hash($0) }.littleEndian) { try write($0) }
        }
    }
}
