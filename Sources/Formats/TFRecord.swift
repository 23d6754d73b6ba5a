/// TFRecord framing, the container of TensorBoard event files: each record is its length (uint64,
/// little-endian), the masked CRC-32C of those 8 bytes (uint32), the data, and the masked CRC-32C
/// of the data (uint32).
public enum TFRecord {
    /// One record's bytes around `data`.
    public static func frame(_ data: [UInt8]) -> [UInt8] {
        let length = littleEndianBytes(UInt64(data.count))
        return length + littleEndianBytes(CRC32C.maskedChecksum(length)) + data
            + littleEndianBytes(CRC32C.maskedChecksum(data))
    }

    /// The data of every record in `bytes`, in order, each checksum checked.
    public static func records(in bytes: [UInt8]) throws(TFRecordError) -> [[UInt8]] {
        var records: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= 12 else { throw .truncated(offset: offset) }
            let header = Array(bytes[offset..<offset + 8])
            guard readUInt32(bytes, at: offset + 8) == CRC32C.maskedChecksum(header) else {
                throw .badChecksum(offset: offset)
            }
            let length = readUInt64(bytes, at: offset)
            guard length <= UInt64(bytes.count - offset - 16) else { throw .truncated(offset: offset) }
            let start = offset + 12
            let data = Array(bytes[start..<start + Int(length)])
            guard readUInt32(bytes, at: start + Int(length)) == CRC32C.maskedChecksum(data) else {
                throw .badChecksum(offset: offset)
            }
            records.append(data)
            offset = start + Int(length) + 4
        }
        return records
    }

    static func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<T.bitWidth / 8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }

    static func readUInt64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << ($1 * 8) }
    }

    static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << ($1 * 8) }
    }
}

/// Why TFRecord bytes could not be read: one line with the record's byte offset.
public enum TFRecordError: Error, CustomStringConvertible, Equatable {
    /// The bytes end inside the record starting at `offset`.
    case truncated(offset: Int)
    /// A length or data checksum of the record starting at `offset` does not match.
    case badChecksum(offset: Int)

    public var description: String {
        switch self {
        case .truncated(let offset): "TFRecord: the record at byte \(offset) is cut short"
        case .badChecksum(let offset): "TFRecord: the record at byte \(offset) fails its CRC-32C check"
        }
    }
}
