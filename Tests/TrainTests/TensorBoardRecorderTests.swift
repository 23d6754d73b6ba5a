import Formats
import Foundation
import Models
import Testing
import Text
import Train

/// A run folder's TensorBoard event files hold what its metrics.jsonl holds: the same numbers
/// (as Float32), under the documented tags, at global-batch steps, across a resume too.
@Suite struct TensorBoardRecorderTests {
    /// One decoded `Event`: its step and its summary's (tag, simple_value) pairs, or its file version.
    struct Event {
        var step = 0
        var fileVersion: String?
        var scalars: [String: Float] = [:]
    }

    /// A protocol-buffers message's fields (field number, varint or fixed value, or bytes), in order.
    static func fields(_ bytes: [UInt8]) -> [(field: Int, number: UInt64, bytes: [UInt8])] {
        var result: [(field: Int, number: UInt64, bytes: [UInt8])] = []
        var i = 0
        func varint() -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let byte = bytes[i]
                i += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }
        func fixed(_ count: Int) -> UInt64 {
            defer { i += count }
            return (0..<count).reduce(0) { $0 | UInt64(bytes[i + $1]) << (8 * $1) }
        }
        while i < bytes.count {
            let key = varint()
            let field = Int(key >> 3)
            switch key & 7 {
            case 0: result.append((field, varint(), []))
            case 1: result.append((field, fixed(8), []))
            case 5: result.append((field, fixed(4), []))
            case 2:
                let length = Int(varint())
                result.append((field, 0, Array(bytes[i..<i + length])))
                i += length
            case let wireType:
                Issue.record("wire type \(wireType)")
                return result
            }
        }
        return result
    }

    static func event(_ bytes: [UInt8]) -> Event {
        var event = Event()
        for (field, number, data) in fields(bytes) {
            if field == 2 { event.step = Int(Int64(bitPattern: number)) }
            if field == 3 { event.fileVersion = String(decoding: data, as: UTF8.self) }
            guard field == 5 else { continue }
            for value in fields(data) where value.field == 1 {
                var tag = ""
                var simple: Float = .nan
                for part in fields(value.bytes) {
                    if part.field == 1 { tag = String(decoding: part.bytes, as: UTF8.self) }
                    if part.field == 2 { simple = Float(bitPattern: UInt32(part.number)) }
                }
                event.scalars[tag] = simple
            }
        }
        return event
    }

    /// The tag each metrics.jsonl field is recorded under, by line type.
    static let tags: [String: [String: String]] = [
        "batch": ["loss": "train/loss", "ppl": "train/ppl", "lr": "train/lr", "ms_per_batch": "train/ms_per_batch"],
        "epoch": [
            "train_loss": "epoch/train_loss", "valid_loss": "valid/loss", "valid_ppl": "valid/ppl",
            "valid_accuracy": "valid/accuracy", "lr": "epoch/lr", "tokens_per_s": "epoch/tokens_per_s",
            "seconds": "epoch/seconds"
        ],
        "test": [
            "test_loss": "test/loss", "test_ppl": "test/ppl", "test_accuracy": "test/accuracy", "floor_ppl": "test/floor_ppl"
        ]
    ]

    @Test func eventFilesHoldTheMetricsAcrossAResume() throws {
        let save = FileManager.default.temporaryDirectory.appendingPathComponent("perplex-tb-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: save) }
        var training = TrainOptions()
        (training.epochs, training.batchSize, training.bptt, training.logInterval) = (2, 4, 8, 3)
        training.curriculum = Curriculum(start: 2, epochs: 1)  // more, shorter batches in epoch 1
        let model = ModelConfig(kind: .lstm, vocabularySize: 0, emsize: 8, nhid: 8, nlayers: 1)
        let first = try LanguageModelRun(data: .builtIn(sentences: 150), model: model, training: training, save: save).run()
        training.epochs = 3
        _ = try LanguageModelRun(data: .builtIn(sentences: 150), model: model, training: training, resume: save, save: save).run()

        let folder = try #require(first.folder)
        #expect(folder.eventFiles.count == 2)
        var events: [Event] = []
        for file in folder.eventFiles {
            let records = try TFRecord.records(in: Array(Data(contentsOf: file)))
            let decoded = records.map(Self.event)
            #expect(decoded.first?.fileVersion == "brain.Event:2")
            events += decoded.dropFirst()
        }

        // The steps: batches of earlier epochs (as the trainer cuts them) plus the batch.
        let rows = BatchedStream(first.corpus.train, batchSize: training.batchSize).rows
        let batches = (1...3).map { trainingWindows(rows: rows, bptt: 8, epoch: $0, curriculum: training.curriculum).count }
        #expect(batches[0] > batches[1])
        func offset(_ epoch: Int) -> Int { batches.prefix(epoch - 1).reduce(0, +) }

        let lines = try String(contentsOf: folder.metrics, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == events.count)
        var lastStep = 0
        for (line, event) in zip(lines, events) {
            // JSONValue (JSONDecoder) reads numbers exactly, as Python does.
            guard case .object(let record) = try JSONValue(parsing: Data(line.utf8)), case .string(let type) = record["type"]
            else {
                Issue.record("not a metrics line: \(line)")
                continue
            }
            let tags = try #require(Self.tags[type])
            var expected: [String: Float] = [:]
            for (key, value) in record where tags[key] != nil {
                switch value {
                case .number(let number): expected[tags[key]!] = Float(number)
                case .integer(let number): expected[tags[key]!] = Float(number)
                case .string, .bool, .null, .array, .object: Issue.record("\(key) is not a number: \(line)")
                }
            }
            #expect(Set(record.keys).subtracting(tags.keys).isSubset(of: ["type", "epoch", "batch", "interrupted"]))
            #expect(event.scalars == expected, "\(line)")
            func index(_ key: String) -> Int {
                if case .integer(let value) = record[key] { return value }
                return 0
            }
            let epoch = index("epoch")
            let step =
                switch type {
                case "batch": offset(epoch) + index("batch")
                case "epoch": offset(epoch + 1)
                default: lastStep
                }
            #expect(event.step == step, "\(line)")
            lastStep = step
        }
        #expect(lines.filter { $0.contains(#""type":"test""#) }.count == 2)
    }

    @Test func overwritingARunRemovesItsEventFiles() throws {
        let save = FileManager.default.temporaryDirectory.appendingPathComponent("perplex-tb-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: save) }
        var training = TrainOptions()
        (training.epochs, training.batchSize, training.bptt) = (1, 4, 8)
        var run = LanguageModelRun(
            data: .builtIn(sentences: 100), model: ModelConfig(kind: .gru, vocabularySize: 0, emsize: 4, nhid: 4, nlayers: 1),
            training: training, save: save)
        _ = try run.run()
        run.overwrite = true
        let result = try run.run()
        #expect(try #require(result.folder).eventFiles.count == 1)
    }
}
