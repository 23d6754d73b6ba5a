import Formats
import Foundation
import Testing

/// CRC-32C, TFRecord framing and TensorBoard events, against bytes TensorBoard's own Python
/// writer produced (`tensorboard.summary.writer.record_writer.RecordWriter`, `event_pb2`).
@Suite struct TensorBoardEventTests {
    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    /// Event{wall_time: 1700000000.5, file_version: "brain.Event:2"}.
    static let versionEvent = bytes("0900002040fc54d9411a0d627261696e2e4576656e743a32")
    /// Event{wall_time: 1700000001.25, step: 42, summary {value {tag: "train/loss", simple_value: 5.5}}}.
    static let scalarEvent = bytes("0900005040fc54d941102a2a130a110a0a747261696e2f6c6f7373150000b040")
    /// Both framed as TFRecords, as TensorBoard writes them.
    static let records = bytes(
        "1800000000000000a37f4b220900002040fc54d9411a0d627261696e2e4576656e743a322b353110"
            + "200000000000000029eda9500900005040fc54d941102a2a130a110a0a747261696e2f6c6f7373150000b0407bedb672")

    @Test func crc32cOfTheCheckString() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.maskedChecksum(Array("123456789".utf8)) == 0xC78A_B0E5)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        // RFC 3720's test vector: 32 bytes of zeros.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    }

    @Test func eventsAreTensorBoardsBytes() {
        #expect(TensorBoardEventFile.fileVersionEvent(wallTime: 1_700_000_000.5) == Self.versionEvent)
        #expect(TensorBoardEventFile.scalarEvent([("train/loss", 5.5)], step: 42, wallTime: 1_700_000_001.25) == Self.scalarEvent)
    }

    @Test func recordsAreTensorBoardsBytes() throws {
        #expect(TFRecord.frame(Self.versionEvent) + TFRecord.frame(Self.scalarEvent) == Self.records)
        #expect(try TFRecord.records(in: Self.records) == [Self.versionEvent, Self.scalarEvent])
    }

    @Test func damagedRecordsAreRefused() {
        var flipped = Self.records
        flipped[20] ^= 1
        #expect(throws: TFRecordError.badChecksum(offset: 0)) { try TFRecord.records(in: flipped) }
        #expect(throws: TFRecordError.truncated(offset: 40)) { try TFRecord.records(in: Array(Self.records.dropLast())) }
    }

    @Test func protobufFields() {
        var writer = ProtobufWriter()
        writer.varint(1, 300)
        writer.varint(2, -1)
        writer.string(3, "é")
        #expect(writer.bytes == [0x08, 0xAC, 0x02, 0x10] + [UInt8](repeating: 0xFF, count: 9) + [0x01, 0x1A, 0x02, 0xC3, 0xA9])
    }

    @Test func eventFilesAreNamedAndNeverReplaced() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("perplex-events-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let time = Date(timeIntervalSince1970: 1_700_000_000.5)
        let first = try TensorBoardEventFile(folder: folder, time: time, hostname: "host")
        try first.add([("train/loss", 5.5)], step: 42, wallTime: Date(timeIntervalSince1970: 1_700_000_001.25))
        let second = try TensorBoardEventFile(folder: folder, time: time, hostname: "host")
        #expect(first.url.lastPathComponent == "events.out.tfevents.1700000000.host")
        #expect(second.url.lastPathComponent == "events.out.tfevents.1700000000.host.2")
        #expect(try Array(Data(contentsOf: first.url)) == Self.records)
    }
}
