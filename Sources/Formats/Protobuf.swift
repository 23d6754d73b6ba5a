/// A protocol-buffers encoder, enough for writing messages such as ONNX's: fields are appended in
/// the order written, each a tag (field number and wire type as one varint) and a value.
///
///     var w = ProtobufWriter()
///     w.int(1, 150)          // 08 96 01
///     w.string(2, "testing") // 12 07 74 65 73 74 69 6e 67
///
/// Repeated fields are written one tag per element (proto2's unpacked form, which every reader
/// accepts); nested messages are length-delimited, so a message is built before its parent.
public struct ProtobufWriter: Sendable {
    /// The wire types this writer uses.
    enum WireType: UInt64 {
        case varint = 0, lengthDelimited = 2, fixed32 = 5
    }

    /// The encoded message so far.
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Appends `value` as a base-128 varint: 7 bits a byte, low bits first, the high bit set on
    /// every byte but the last (300 → AC 02).
    public mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func tag(_ field: Int, _ wire: WireType) {
        precondition(field >= 1 && field < 1 << 29, "protobuf: field number \(field) outside 1..<2^29")
        varint(UInt64(field) << 3 | wire.rawValue)
    }

    /// An int32, int64 or enum field: negative values take ten bytes (two's complement as UInt64).
    public mutating func int(_ field: Int, _ value: Int64) {
        tag(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    /// A float field: four bytes, little-endian.
    public mutating func float(_ field: Int, _ value: Float) {
        tag(field, .fixed32)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A bytes field: the length as a varint, then the bytes.
    public mutating func bytes(_ field: Int, _ value: some Collection<UInt8>) {
        tag(field, .lengthDelimited)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A string field, UTF-8.
    public mutating func string(_ field: Int, _ value: String) { bytes(field, Array(value.utf8)) }

    /// An embedded message field.
    public mutating func message(_ field: Int, _ message: ProtobufWriter) { bytes(field, message.bytes) }

    /// An embedded message field built by `build`.
    public mutating func message(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        build(&inner)
        message(field, inner)
    }
}
