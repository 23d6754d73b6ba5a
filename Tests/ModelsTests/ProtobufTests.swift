import Formats
import Testing

/// The protobuf encoder and the ONNX messages built on it against bytes worked out by hand (the
/// encoding guide's examples).
@Suite struct ProtobufTests {
    func varint(_ value: UInt64) -> [UInt8] {
        var w = ProtobufWriter()
        w.appendVarint(value)
        return w.bytes
    }

    @Test func varints() {
        #expect(varint(0) == [0x00])
        #expect(varint(1) == [0x01])
        #expect(varint(127) == [0x7F])
        #expect(varint(128) == [0x80, 0x01])
        #expect(varint(150) == [0x96, 0x01])
        #expect(varint(300) == [0xAC, 0x02])
        #expect(varint(UInt64.max) == [UInt8](repeating: 0xFF, count: 9) + [0x01])
    }

    @Test func scalarFields() {
        var w = ProtobufWriter()
        w.varint(1, 150)
        #expect(w.bytes == [0x08, 0x96, 0x01])
        w = ProtobufWriter()
        w.varint(3, -1)  // ten bytes: the two's complement as UInt64
        #expect(w.bytes == [0x18] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
        w = ProtobufWriter()
        w.float(2, 1)  // wire type 5, little-endian
        #expect(w.bytes == [0x15, 0x00, 0x00, 0x80, 0x3F])
        w = ProtobufWriter()
        w.varint(20, 7)  // a two-byte tag
        #expect(w.bytes == [0xA0, 0x01, 0x07])
    }

    @Test func lengthDelimitedFields() {
        var w = ProtobufWriter()
        w.string(2, "testing")
        #expect(w.bytes == [0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6E, 0x67])
        w = ProtobufWriter()
        var inner = ProtobufWriter()
        inner.varint(1, 150)
        w.message(3, inner)
        #expect(w.bytes == [0x1A, 0x03, 0x08, 0x96, 0x01])
        w = ProtobufWriter()
        w.lengthDelimited(9, [UInt8](repeating: 7, count: 200))  // a two-byte length
        #expect(w.bytes.prefix(3) == [0x4A, 0xC8, 0x01] && w.bytes.count == 203)
    }

    /// A ValueInfoProto for x: float [s, 3], encoded by hand.
    @Test func onnxValueInfo() {
        var w = ProtobufWriter()
        ONNXValueInfo("x", .float, [.named("s"), .fixed(3)]).encode(&w)
        let dims: [UInt8] = [0x0A, 0x03, 0x12, 0x01, 0x73] + [0x0A, 0x02, 0x08, 0x03]
        let shape: [UInt8] = [0x12, UInt8(dims.count)] + dims
        let tensorType: [UInt8] = [0x0A, UInt8(2 + shape.count), 0x08, 0x01] + shape
        #expect(w.bytes == [0x0A, 0x01, 0x78] + [0x12, UInt8(tensorType.count)] + tensorType)
    }

    /// A TensorProto: dims, data_type, name, raw_data little-endian.
    @Test func onnxTensor() {
        var w = ProtobufWriter()
        ONNXTensor(name: "w", floats: [1, -2], dims: [2]).encode(&w)
        let raw: [UInt8] = [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0]
        #expect(w.bytes == [0x08, 0x02, 0x10, 0x01, 0x42, 0x01, 0x77, 0x4A, 0x08] + raw)
        w = ProtobufWriter()
        ONNXTensor(name: "i", int64s: [-1], dims: []).encode(&w)
        #expect(w.bytes == [0x10, 0x07, 0x42, 0x01, 0x69, 0x4A, 0x08] + [UInt8](repeating: 0xFF, count: 8))
    }
}
