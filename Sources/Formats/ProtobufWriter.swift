/// A minimal protocol-buffers encoder: fields appended in the order written, each a key (field
/// number and wire type) and a value. Enough for small messages such as TensorBoard events; it
/// knows no schema.
public struct ProtobufWriter {
    /// The encoded message so far.
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// A varint field (wire type 0): int32, int64, uint64, bool, enum. A negative value takes
    /// ten bytes (two's complement), as protobuf encodes int64.
    public mutating func varint(_ field: Int, _ value: Int64) {
        key(field, wireType: 0)
        appendVarint(UInt64(bitPattern: value))
    }

    /// A `double` field (wire type 1: fixed64, little-endian IEEE 754).
    public mutating func double(_ field: Int, _ value: Double) {
        key(field, wireType: 1)
        appendLittleEndian(value.bitPattern)
    }

    /// A `float` field (wire type 5: fixed32, little-endian IEEE 754).
    public mutating func float(_ field: Int, _ value: Float) {
        key(field, wireType: 5)
        appendLittleEndian(value.bitPattern)
    }

    /// A length-delimited field (wire type 2): bytes or an embedded message's bytes.
    public mutating func lengthDelimited(_ field: Int, _ value: [UInt8]) {
        key(field, wireType: 2)
        appendVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A `string` field (UTF-8, length-delimited).
    public mutating func string(_ field: Int, _ value: String) {
        lengthDelimited(field, Array(value.utf8))
    }

    /// An embedded message field (length-delimited).
    public mutating func message(_ field: Int, _ value: ProtobufWriter) {
        lengthDelimited(field, value.bytes)
    }

    mutating func key(_ field: Int, wireType: UInt64) {
        precondition(field >= 1 && field < 1 << 29, "protobuf field numbers are 1…2^29 − 1")
        appendVarint(UInt64(field) << 3 | wireType)
    }

    /// Appends `value` as a base-128 varint (7 bits a byte, low bits first).
    public mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        for i in 0..<T.bitWidth / 8 { bytes.append(UInt8(truncatingIfNeeded: value >> (i * 8))) }
    }
}
