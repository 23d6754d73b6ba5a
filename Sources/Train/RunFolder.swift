import Formats
import Foundation
import NN
import Plot

/// The folder one training run writes (DESIGN.md): config.json, metrics.jsonl, model.safetensors,
/// vocab.txt, curves.svg, and TensorBoard event files.
public struct RunFolder {
    public let url: URL
    public var config: URL { url.appendingPathComponent("config.json") }
    public var metrics: URL { url.appendingPathComponent("metrics.jsonl") }
    public var model: URL { url.appendingPathComponent("model.safetensors") }
    public var vocabulary: URL { url.appendingPathComponent("vocab.txt") }
    public var curves: URL { url.appendingPathComponent("curves.svg") }
    /// The state a resumed run goes on from (the last epoch's end, or where training stopped).
    public var last: URL { url.appendingPathComponent("last.safetensors") }
    /// The TensorBoard event files (`events.out.tfevents.*`: one per training, a resumed run adds one).
    public var eventFiles: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { $0.hasPrefix(TensorBoardEventFile.namePrefix) }.sorted().map { url.appendingPathComponent($0) }
    }

    /// Whether `url` is a file (not a folder: a folder where a file belongs is never removed).
    static func isFile(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// Whether the folder at `path` holds a trained model (model.safetensors or last.safetensors).
    public static func holdsModel(_ path: String) -> Bool {
        let folder = URL(fileURLWithPath: path)
        return ["model.safetensors", "last.safetensors"].contains { isFile(folder.appendingPathComponent($0)) }
    }

    /// The first of `base`, `base-2`, `base-3`, … that holds no trained model: where a run goes
    /// when no folder is named, so that it never replaces an earlier one.
    public static func fresh(_ base: String) -> String {
        var path = base
        var n = 1
        while holdsModel(path) {
            n += 1
            path = "\(base)-\(n)"
        }
        return path
    }

    /// Creates the folder (and parents). `appending` (a run resumed into its own folder) keeps
    /// what is there and appends to metrics.jsonl. Otherwise a folder that holds a trained model
    /// is refused unless `overwrite`, which first removes the old run's files, so that the folder
    /// never mixes two runs.
    public init(path: String, appending: Bool = false, overwrite: Bool = false) throws(TrainError) {
        url = URL(fileURLWithPath: path)
        if !appending && !overwrite && Self.holdsModel(path) {
            throw TrainError(
                description:
                    "the run folder \(path) already holds a trained model; pass --overwrite to replace that run, or --save another folder"
            )
        }
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            if !appending {
                for file in [model, last, curves, config, vocabulary] + eventFiles where Self.isFile(file) {
                    try FileManager.default.removeItem(at: file)
                }
            }
            if !appending || !FileManager.default.fileExists(atPath: metrics.path) { try Data().write(to: metrics) }
        } catch {
            let metrics = url.appendingPathComponent("metrics.jsonl").path
            let reason = folderProblem(path) ?? writeProblem(metrics).map { "\(metrics): \($0)" } ?? error.localizedDescription
            throw TrainError(description: "cannot create the run folder \(path): \(reason)")
        }
    }

    /// Appends one JSON object as a line of metrics.jsonl.
    public func appendMetrics(_ object: [String: Any]) {
        guard JSONSerialization.isValidJSONObject(object),
            var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        else { return }
        line.append(0x0A)
        if let handle = try? FileHandle(forWritingTo: metrics) {
            handle.seekToEndOfFile()
            handle.write(line)
            try? handle.close()
        }
    }

    /// Writes config.json (pretty, sorted keys) atomically.
    public func writeConfig(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try write(String(decoding: try encoder.encode(value), as: UTF8.self) + "\n", to: config)
    }

    /// Writes a text file atomically.
    public func write(_ text: String, to file: URL) throws {
        try writeAtomically(Data(text.utf8), to: file)
    }
}

/// Records a run in its folder: metrics.jsonl lines and the curves chart (the console is the
/// CLI's business).
public final class RunRecorder: TrainingReporter {
    let folder: RunFolder
    private(set) var trainPoints: [(x: Double, y: Double)] = []
    private(set) var validPoints: [(x: Double, y: Double)] = []
    /// The current epoch's K of a frequent-target curriculum (nil without one).
    private var excludedFrequent: Int?

    public init(folder: RunFolder) { self.folder = folder }

    public func excludedTargets(epoch: Int, mostFrequent: Int) { excludedFrequent = mostFrequent }

    public func log(epoch: Int, batch: Int, batches: Int, lr: Float, msPerBatch: Double, loss: Double) {
        let x = Double(epoch - 1) + Double(batch) / Double(max(batches, 1))
        trainPoints.append((x, perplexity(loss)))
        folder.appendMetrics(MetricsRecord.batch(epoch: epoch, batch: batch, lr: lr, msPerBatch: msPerBatch, loss: loss))
    }

    public func epochEnd(
        epoch: Int, seconds: Double, trainLoss: Double, validLoss: Double, validAccuracy: Double, lr: Float,
        tokensPerSecond: Double
    ) {
        validPoints.append((Double(epoch), perplexity(validLoss)))
        if trainPoints.last.map({ $0.x < Double(epoch) }) ?? true { trainPoints.append((Double(epoch), perplexity(trainLoss))) }
        folder.appendMetrics(
            MetricsRecord.epoch(
                epoch: epoch, seconds: seconds, trainLoss: trainLoss, validLoss: validLoss, validAccuracy: validAccuracy,
                lr: lr, tokensPerSecond: tokensPerSecond, excludedFrequent: excludedFrequent))
        let chart = LineChart(
            title: "Perplexity", xLabel: "epoch", yLabel: "perplexity", logY: true,
            series: [.init(name: "train", points: trainPoints), .init(name: "valid", points: validPoints)])
        try? folder.write(chart.svg(), to: folder.curves)
    }

    public func notice(_ message: String) {}

    public func iteration(_ iteration: Int, loss: Double, milliseconds: Double, lr: Float, tokensPerSecond: Double) {
        folder.appendMetrics([
            "type": "iteration", "iter": iteration, "loss": loss, "ms": milliseconds, "lr": Double(lr),
            "tokens_per_s": tokensPerSecond
        ])
    }

    public func estimate(_ iteration: Int, trainLoss: Double, validLoss: Double, lr: Float) {
        trainPoints.append((Double(iteration), perplexity(trainLoss)))
        validPoints.append((Double(iteration), perplexity(validLoss)))
        folder.appendMetrics([
            "type": "estimate", "iter": iteration, "train_loss": trainLoss, "valid_loss": validLoss,
            "valid_ppl": perplexity(validLoss), "lr": Double(lr)
        ])
        let chart = LineChart(
            title: "Perplexity", xLabel: "iteration", yLabel: "perplexity", logY: true,
            series: [.init(name: "train", points: trainPoints), .init(name: "valid", points: validPoints)])
        try? folder.write(chart.svg(), to: folder.curves)
    }

    /// Records the test result (`interrupted`: training stopped early by Ctrl-C).
    public func testResult(_ test: Evaluation, floor: Double?, interrupted: Bool) {
        folder.appendMetrics(MetricsRecord.test(test, floor: floor, interrupted: interrupted))
    }
}
