import Foundation
import Testing
import Train

/// Reading run folders back: epoch and test records, derived numbers, errors naming file and line.
@Suite struct RunRecordTests {
    static let config =
        #"{"data":"built-in","model":{"dropout":0.2,"emsize":8,"kind":"GRU","nhead":2,"nhid":8,"nlayers":1,"tied":false,"vocabularySize":50},"training":{"batchSize":20,"bptt":35}}"#

    func folder(config: String? = RunRecordTests.config, metrics: String?) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("perplex-run-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        if let config { try config.write(to: url.appendingPathComponent("config.json"), atomically: true, encoding: .utf8) }
        if let metrics { try metrics.write(to: url.appendingPathComponent("metrics.jsonl"), atomically: true, encoding: .utf8) }
        return url
    }

    @Test func epochsTestAndDerivedNumbers() throws {
        let url = try folder(
            metrics: """
                {"type":"batch","epoch":1,"batch":5,"loss":6.0,"ppl":403.4}
                {"type":"epoch","epoch":1,"seconds":2.0,"train_loss":5.0,"valid_loss":4.0,"valid_ppl":54.6}
                {"type":"epoch","epoch":2,"seconds":4.0,"train_loss":4.5,"valid_loss":4.2,"valid_ppl":66.7}

                {"type":"test","test_loss":4.1,"test_ppl":60.3,"interrupted":false}

                """)
        defer { try? FileManager.default.removeItem(at: url) }
        let record = try RunRecord(folder: url.path)
        #expect(record.epochs.map(\.epoch) == [1, 2])
        #expect(record.secondsPerEpoch == 3.0)
        #expect(abs((record.bestValidPerplexity ?? 0) - exp(4.0)) < 1e-9)
        #expect(record.test?.perplexity == 60.3 && record.finished)
        // No "parameters" in config.json: counted from the model it describes (GRU 1×8, vocabulary 50).
        #expect(record.parameters == 50 * 8 + 3 * 8 * (8 + 8) + 6 * 8 + 8 * 50 + 50)
        let settings = RunSettings.flatten(record.config)
        #expect(settings.first?.key == "data" && settings.contains { $0.key == "model" && $0.value == "GRU" })
        #expect(settings.contains { $0.key == "batch-size" && $0.value == "20" })
        #expect(settings.contains { $0.key == "tied" && $0.value == "false" })
        #expect(settings.contains { $0.key == "dropout" && $0.value == "0.2" })
    }

    @Test func interruptedOrUntestedRunsAreNotFinished() throws {
        let interrupted = try folder(metrics: #"{"type":"test","test_loss":4.1,"interrupted":true}"# + "\n")
        let untested = try folder(metrics: #"{"type":"epoch","epoch":1,"seconds":2.0,"train_loss":5.0,"valid_loss":4.0}"# + "\n")
        defer { for url in [interrupted, untested] { try? FileManager.default.removeItem(at: url) } }
        #expect(try !RunRecord(folder: interrupted.path).finished)
        #expect(try RunRecord(folder: interrupted.path).test?.perplexity == exp(4.1))
        #expect(try !RunRecord(folder: untested.path).finished)
    }

    @Test func badFoldersAndLinesAreNamed() throws {
        func message(_ path: String) -> String {
            do {
                _ = try RunRecord(folder: path)
                return ""
            } catch { return error.description }
        }
        let empty = try folder(config: nil, metrics: nil)
        let noMetrics = try folder(metrics: nil)
        let corrupt = try folder(
            metrics: #"{"type":"epoch","epoch":1,"seconds":1,"train_loss":5,"valid_loss":4}"# + "\n{\"type\":\"ep\n")
        let noValid = try folder(metrics: #"{"type":"epoch","epoch":1,"seconds":1,"train_loss":5}"# + "\n")
        let badConfig = try folder(config: "[1, 2", metrics: "")
        defer { for url in [empty, noMetrics, corrupt, noValid, badConfig] { try? FileManager.default.removeItem(at: url) } }
        #expect(message(empty.path) == "\(empty.path) is not a run folder (no config.json or metrics.jsonl) or a sweep folder")
        #expect(message(empty.path + "/none") == "run folder not found: \(empty.path)/none")
        #expect(message(noMetrics.path) == "file not found: \(noMetrics.path)/metrics.jsonl")
        #expect(message(corrupt.path) == "\(corrupt.path)/metrics.jsonl: line 2: not a JSON object")
        #expect(message(noValid.path) == "\(noValid.path)/metrics.jsonl: line 1: epoch record without a number \"valid_loss\"")
        #expect(message(badConfig.path) == "\(badConfig.path)/config.json: not valid JSON")
    }
}
