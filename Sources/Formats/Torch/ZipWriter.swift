import Foundation

/// A zip archive of stored (uncompressed) entries as `torch.save` writes it: each entry's data
/// aligned to 64 bytes (padding in the local header's extra field), CRC-32 of each entry, no
/// zip64 (an archive must stay under 4 GiB).
struct ZipWriter {
    private(set) var data = Data()
    private var central = Data()
    private var count = 0
    static let alignment = 64

    /// Appends one stored entry.
    mutating func add(_ name: String, _ contents: Data) throws(TorchError) {
        let nameBytes = Array(name.utf8)
        let offset = data.count
        let unpadded = offset + 30 + nameBytes.count + 4
        let padding = (Self.alignment - unpadded % Self.alignment) % Self.alignment
        guard offset < 0xFFFF_FFFF, contents.count < 0xFFFF_FFFF, data.count + contents.count < 0xFFFF_FFFF - 4096 else {
            throw .unsupported("the archive would exceed 4 GiB, more than a zip without zip64 holds")
        }
        let crc = CRC32.checksum(contents)
        func header(_ out: inout Data, central: Bool) {
            out.append32(central ? 0x0201_4b50 : 0x0403_4b50)
            if central { out.append16(20) }  // version made by
            out.append16(20)  // version needed
            out.append16(0)  // flags
            out.append16(0)  // stored
            out.append16(0)  // time
            out.append16(0x21)  // date: 1980-01-01
            out.append32(crc)
            out.append32(UInt32(contents.count))
            out.append32(UInt32(contents.count))
            out.append16(UInt16(nameBytes.count))
            out.append16(central ? 0 : UInt16(4 + padding))
            if central {
                out.append16(0)  // comment
                out.append16(0)  // disk
                out.append16(0)  // internal attributes
                out.append32(0)  // external attributes
                out.append32(UInt32(offset))
            }
            out.append(contentsOf: nameBytes)
        }
        header(&data, central: false)
        data.append16(0x4246)  // "FB": padding
        data.append16(UInt16(padding))
        data.append(Data(count: padding))
        data.append(contents)
        header(&central, central: true)
        count += 1
    }

    /// The archive: entries, central directory, end record.
    func finished() -> Data {
        var out = data
        let directoryOffset = out.count
        out.append(central)
        out.append32(0x0605_4b50)
        out.append16(0)
        out.append16(0)
        out.append16(UInt16(count))
        out.append16(UInt16(count))
        out.append32(UInt32(central.count))
        out.append32(UInt32(directoryOffset))
        out.append16(0)
        return out
    }
}

extension Data {
    mutating func append16(_ value: UInt16) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
    mutating func append32(_ value: UInt32) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
}

/// CRC-32 (the zip polynomial, reflected 0xEDB88320).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { (n: UInt32) -> UInt32 in
        (0..<8).reduce(n) { c, _ in c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }

    static func checksum(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                for byte in raw { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
            }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
