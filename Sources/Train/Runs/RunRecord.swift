import Formats
import Foundation
import Models
import NN
import Tensor
import Text

/// A finished or unfinished training run read back from its folder (what `perplex train --save`
/// writes): config.json and the epoch and test records of metrics.jsonl. Batch records and record
/// types it does not know are skipped; a line that is not a JSON object, or an epoch or test
/// record without its numbers, is an error naming the file and line.
public struct RunRecord: Sendable {
    /// One `"type": "epoch"` line.
    public struct Epoch: Equatable, Sendable {
        public var epoch: Int
        /// Training time of the epoch (validation not included), as `perplex train` prints it.
        public var seconds: Double
        public var trainLoss: Double
        public var validLoss: Double
        public var trainPerplexity: Double { perplexity(trainLoss) }
        public var validPerplexity: Double { perplexity(validLoss) }
    }

    /// The `"type": "test"` line written at the end of training.
    public struct Test: Equatable, Sendable {
        public var loss: Double
        public var perplexity: Double
        /// True when training was stopped early (Ctrl-C); nil in folders from before this was recorded.
        public var interrupted: Bool?
    }

    public let folder: URL
    /// config.json as written.
    public let config: JSONValue
    public let epochs: [Epoch]
    public let test: Test?
    /// Trainable parameters: config.json's `parameters`, else counted by building the model it describes.
    public let parameters: Int?

    /// True when `url` holds config.json or metrics.jsonl.
    public static func isRunFolder(_ url: URL) -> Bool {
        ["config.json", "metrics.jsonl"].contains {
            FileManager.default.fileExists(atPath: url.appendingPathComponent($0).path)
        }
    }

    /// Reads the run folder at `path`.
    public init(folder path: String) throws(RunRecordError) {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .notAFolder(path)
        }
        guard Self.isRunFolder(url) else { throw .notARunFolder(path) }
        let configFile = (path as NSString).appendingPathComponent("config.json")
        let metricsFile = (path as NSString).appendingPathComponent("metrics.jsonl")
        let configData = try Self.read(configFile)
        let config: JSONValue
        do { config = try JSONValue(parsing: configData) } catch {
            throw .unreadable(file: configFile, reason: "not valid JSON")
        }
        guard case .object = config else { throw .unreadable(file: configFile, reason: "not a JSON object") }
        if Self.isClassifierConfig(config) { throw .classifierRun(path) }
        var epochs: [Epoch] = []
        var test: Test?
        let lines = TextFile.lines(of: String(decoding: try Self.read(metricsFile), as: UTF8.self))
        for (index, line) in lines.enumerated() where !line.allSatisfy(\.isWhitespace) {
            let lineNumber = index + 1
            func bad(_ reason: String) -> RunRecordError { .badLine(file: metricsFile, line: lineNumber, reason: reason) }
            guard let record = try? JSONValue(parsing: Data(line.utf8)), case .object = record else {
                throw bad("not a JSON object")
            }
            guard let type = record["type"]?.string else { throw bad("no \"type\" field") }
            func number(_ key: String) throws(RunRecordError) -> Double {
                guard let value = record[key]?.number else { throw bad("\(type) record without a number \"\(key)\"") }
                return value
            }
            switch type {
            case "epoch":
                epochs.append(
                    Epoch(
                        epoch: Int(try number("epoch")), seconds: try number("seconds"),
                        trainLoss: try number("train_loss"), validLoss: try number("valid_loss")))
            case "test":
                let loss = try number("test_loss")
                test = Test(
                    loss: loss, perplexity: record["test_ppl"]?.number ?? Train.perplexity(loss),
                    interrupted: record["interrupted"]?.bool)
            default:
                continue
            }
        }
        folder = url
        self.config = config
        self.epochs = epochs
        self.test = test
        parameters = config["parameters"]?.number.map { Int($0) } ?? Self.countParameters(configData)
    }

    /// True for a classifier run's config.json (`ClassifierRunConfig`: labels, a classifier kind).
    static func isClassifierConfig(_ config: JSONValue) -> Bool {
        guard let kind = config["model"]?["kind"]?.string else { return config["labels"] != nil }
        return ClassifierKind(rawValue: kind) != nil
    }

    /// The lowest validation perplexity over the epochs.
    public var bestValidPerplexity: Double? { epochs.map(\.validPerplexity).min() }

    /// Mean training seconds per epoch.
    public var secondsPerEpoch: Double? {
        epochs.isEmpty ? nil : epochs.map(\.seconds).reduce(0, +) / Double(epochs.count)
    }

    /// True when training ran to its end and the test perplexity was recorded.
    public var finished: Bool { test != nil && test?.interrupted != true }

    static func read(_ file: String) throws(RunRecordError) -> Data {
        guard FileManager.default.fileExists(atPath: file) else { throw .missingFile(file) }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .unreadable(file: file, reason: "cannot read the file")
        }
        return data
    }

    /// Counts the parameters of the model config.json's `model` describes (nil when it is not a valid one).
    static func countParameters(_ configData: Data) -> Int? {
        struct Shape: Decodable { let model: ModelConfig }
        guard let shape = try? JSONDecoder().decode(Shape.self, from: configData), (try? shape.model.validate()) != nil else {
            return nil
        }
        return shape.model.parameterCount
    }
}
