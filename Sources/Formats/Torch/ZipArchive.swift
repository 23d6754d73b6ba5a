import Foundation

/// The entries of a zip archive as `torch.save` writes it: stored (uncompressed) members found
/// through the central directory (zip64 records included). Every length and offset is checked
/// against the file before use; a compressed or encrypted member is a clear error, not a guess.
struct ZipArchive {
    struct Entry {
        let name: String
        let method: UInt16
        let flags: UInt16
        let size: Int
        let compressedSize: Int
        let localHeader: Int
    }

    let data: Data
    /// Entries by name, in central-directory order.
    let entries: [Entry]
    private let byName: [String: Int]

    /// More entries than this is no torch.save file (a model has one per storage).
    static let maxEntries = 1 << 20

    init(_ data: Data) throws(TorchError) {
        self.data = data
        let bytes = ByteReader(data)
        guard let end = Self.findEndOfCentralDirectory(bytes) else {
            throw .badArchive("no end-of-central-directory record")
        }
        var count = Int(try bytes.u16(end + 10))
        var directorySize = Int(try bytes.u32(end + 12))
        var directoryOffset = Int(try bytes.u32(end + 16))
        // Zip64: a locator just before the record points at the zip64 end record.
        if end >= 20, try bytes.u32(end - 20) == 0x0706_4b50 {
            let recordOffset = try bytes.int64(end - 12)
            guard try bytes.u32(recordOffset) == 0x0606_4b50 else { throw .badArchive("broken zip64 end record") }
            count = try bytes.int64(recordOffset + 32)
            directorySize = try bytes.int64(recordOffset + 40)
            directoryOffset = try bytes.int64(recordOffset + 48)
        }
        guard count >= 0, count <= Self.maxEntries else { throw .badArchive("\(count) entries") }
        guard directoryOffset >= 0, directorySize >= 0, directoryOffset <= data.count,
            directorySize <= data.count - directoryOffset
        else { throw .badArchive("central directory outside the file") }
        var entries: [Entry] = []
        var byName: [String: Int] = [:]
        var position = directoryOffset
        for _ in 0..<count {
            guard try bytes.u32(position) == 0x0201_4b50 else { throw .badArchive("broken central directory entry") }
            let flags = try bytes.u16(position + 8)
            let method = try bytes.u16(position + 10)
            var compressedSize = Int(try bytes.u32(position + 20))
            var size = Int(try bytes.u32(position + 24))
            let nameLength = Int(try bytes.u16(position + 28))
            let extraLength = Int(try bytes.u16(position + 30))
            let commentLength = Int(try bytes.u16(position + 32))
            var localHeader = Int(try bytes.u32(position + 42))
            let nameBytes = try bytes.slice(position + 46, nameLength)
            guard let name = String(bytes: nameBytes, encoding: .utf8) else { throw .badArchive("an entry name is not UTF-8") }
            // Zip64 extra field: the 64-bit values of the fields that read 0xFFFFFFFF, in order.
            var extra = position + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = try bytes.u16(extra)
                let length = Int(try bytes.u16(extra + 2))
                if id == 1 {
                    var field = extra + 4
                    if size == 0xFFFF_FFFF { (size, field) = (try bytes.int64(field), field + 8) }
                    if compressedSize == 0xFFFF_FFFF { (compressedSize, field) = (try bytes.int64(field), field + 8) }
                    if localHeader == 0xFFFF_FFFF { localHeader = try bytes.int64(field) }
                }
                extra += 4 + length
            }
            if byName[name] == nil { byName[name] = entries.count }
            entries.append(
                Entry(
                    name: name, method: method, flags: flags, size: size, compressedSize: compressedSize,
                    localHeader: localHeader))
            position = extraEnd + commentLength
        }
        self.entries = entries
        self.byName = byName
    }

    /// The last end-of-central-directory signature within the final 64 KiB + 22 bytes.
    private static func findEndOfCentralDirectory(_ bytes: ByteReader) -> Int? {
        let count = bytes.data.count
        guard count >= 22 else { return nil }
        return bytes.data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Int? in
            var position = count - 22
            let lowest = max(0, count - 22 - 65_535)
            while position >= lowest {
                if raw[position] == 0x50, raw[position + 1] == 0x4B, raw[position + 2] == 0x05, raw[position + 3] == 0x06 {
                    return position
                }
                position -= 1
            }
            return nil
        }
    }

    func entry(_ name: String) -> Entry? { byName[name].map { entries[$0] } }

    /// The bytes of a stored entry, checked against the file's length.
    func contents(of entry: Entry) throws(TorchError) -> Data {
        guard entry.flags & 1 == 0 else { throw .badArchive("entry \(entry.name) is encrypted") }
        switch entry.method {
        case 0: break
        case 8:
            throw .unsupported(
                "entry \(entry.name) is deflate-compressed; torch.save stores entries uncompressed (re-save the file with torch.save)"
            )
        default: throw .badArchive("entry \(entry.name) uses compression method \(entry.method)")
        }
        guard entry.size == entry.compressedSize else { throw .badArchive("entry \(entry.name) has inconsistent sizes") }
        let bytes = ByteReader(data)
        guard try bytes.u32(entry.localHeader) == 0x0403_4b50 else {
            throw .badArchive("entry \(entry.name) has no local header")
        }
        let nameLength = Int(try bytes.u16(entry.localHeader + 26))
        let extraLength = Int(try bytes.u16(entry.localHeader + 28))
        return try bytes.slice(entry.localHeader + 30 + nameLength + extraLength, entry.size)
    }
}

/// Little-endian reads from `Data` at absolute offsets, each checked against its length.
struct ByteReader {
    let data: Data
    init(_ data: Data) { self.data = data }

    func slice(_ offset: Int, _ length: Int) throws(TorchError) -> Data {
        guard offset >= 0, length >= 0, offset <= data.count, length <= data.count - offset else {
            throw .badArchive("offset \(offset) + \(length) bytes runs past the end of the \(data.count)-byte file")
        }
        let start = data.startIndex + offset
        return data[start..<(start + length)]
    }

    func u16(_ offset: Int) throws(TorchError) -> UInt16 {
        let b = try slice(offset, 2)
        return UInt16(b[b.startIndex]) | UInt16(b[b.startIndex + 1]) << 8
    }

    func u32(_ offset: Int) throws(TorchError) -> UInt32 {
        let b = try slice(offset, 4)
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(b[b.startIndex + $1]) << (8 * UInt32($1)) }
    }

    /// A 64-bit size, count or offset; one beyond the file's length is refused (so that adding
    /// a header's length to it never overflows).
    func int64(_ offset: Int) throws(TorchError) -> Int {
        let b = try slice(offset, 8)
        let value = (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[b.startIndex + $1]) << (8 * UInt64($1)) }
        guard value <= UInt64(data.count) else { throw .badArchive("a 64-bit size or offset is beyond the file") }
        return Int(value)
    }
}
