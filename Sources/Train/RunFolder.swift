import Foundation
import NN
import Plot

/// The folder one training run writes (DESIGN.md): config.json, metrics.jsonl, model.safetensors,
/// vocab.txt, curves.svg.
public struct RunFolder {
    public let url: URL
    public var config: URL { url.appendingPathComponent("config.json") }
    public var metrics: URL { url.appendingPathComponent("metrics.jsonl") }
    public var model: URL { url.appendingPathComponent("model.safetensors") }
    public var vocabulary: URL { url.appendingPathComponent("vocab.txt") }
    public var curves: URL { url.appendingPathComponent("curves.svg") }

    /// Creates the folder (and parents); an existing run's metrics are replaced, or kept and
    /// appended to when `appending` (a resumed run).
    public init(path: String, appending: Bool = false) throws(TrainError) {
        url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            let metrics = url.appendingPathComponent("metrics.jsonl")
            if !appending || !FileManager.default.fileExists(atPath: metrics.path) { try Data().write(to: metrics) }
        } catch {
            throw TrainError(description: "cannot create the run folder \(path): \(error.localizedDescription)")
        }
    }

    /// Appends one JSON object as a line of metrics.jsonl.
    public func appendMetrics(_ object: [String: Any]) {
        guard JSONSerialization.isValidJSONObject(object),
              var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        line.append(0x0A)
        if let handle = try? FileHandle(forWritingTo: metrics) {
            handle.seekToEndOfFile()
            handle.write(line)
            try? handle.close()
        }
    }

    /// Writes a text file atomically.
    public func write(_ text: String, to file: URL) throws {
        try writeAtomically(Data(text.utf8), to: file)
    }
}

/// Console output in the recipe's format plus the run folder's metrics and curves.
public final class RunReporter: TrainingReporter {
    let folder: RunFolder?
    let live: Bool
    private var lastBar = Date.distantPast
    private(set) var trainPoints: [(x: Double, y: Double)] = []
    private(set) var validPoints: [(x: Double, y: Double)] = []

    /// `live`: draw a progress bar (only on a terminal; plain lines otherwise).
    public init(folder: RunFolder?, live: Bool = isatty(STDOUT_FILENO) != 0) {
        self.folder = folder
        self.live = live
    }

    static let rule = String(repeating: "-", count: 89)

    private func clearBar() { if live { print("\r\u{1B}[K", terminator: "") } }

    public func batchDone(epoch: Int, batch: Int, batches: Int, tokensPerSecond: Double, secondsLeft: Double) {
        guard live, Date().timeIntervalSince(lastBar) > 0.2 || batch == batches else { return }
        lastBar = Date()
        let width = 30, filled = batches > 0 ? width * batch / batches : width
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        let eta = Int(secondsLeft.rounded())
        print(String(format: "\r\u{1B}[K| epoch %3d [%@] %d/%d | %.0f tok/s | ETA %d:%02d", epoch, bar, batch, batches,
                     tokensPerSecond, eta / 60, eta % 60), terminator: "")
        fflush(stdout)
    }

    public func log(epoch: Int, batch: Int, batches: Int, lr: Float, msPerBatch: Double, loss: Double) {
        clearBar()
        print(String(format: "| epoch %3d | %5d/%5d batches | lr %02.2f | ms/batch %5.2f | loss %5.2f | ppl %8.2f",
                     epoch, batch, batches, lr, msPerBatch, loss, perplexity(loss)))
        let x = Double(epoch - 1) + Double(batch) / Double(max(batches, 1))
        trainPoints.append((x, perplexity(loss)))
        folder?.appendMetrics(["type": "batch", "epoch": epoch, "batch": batch, "lr": Double(lr),
                               "ms_per_batch": msPerBatch, "loss": loss, "ppl": perplexity(loss)])
    }

    public func epochEnd(epoch: Int, seconds: Double, trainLoss: Double, validLoss: Double, validAccuracy: Double, lr: Float,
                         tokensPerSecond: Double) {
        clearBar()
        print(Self.rule)
        print(String(format: "| end of epoch %3d | time: %5.2fs | valid loss %5.2f | valid ppl %8.2f | valid acc %5.2f%%", epoch,
                     seconds, validLoss, perplexity(validLoss), 100 * validAccuracy))
        print(Self.rule)
        validPoints.append((Double(epoch), perplexity(validLoss)))
        if trainPoints.last.map({ $0.x < Double(epoch) }) ?? true { trainPoints.append((Double(epoch), perplexity(trainLoss))) }
        folder?.appendMetrics(["type": "epoch", "epoch": epoch, "seconds": seconds, "train_loss": trainLoss,
                               "valid_loss": validLoss, "valid_ppl": perplexity(validLoss), "valid_accuracy": validAccuracy,
                               "lr": Double(lr),
                               "tokens_per_s": tokensPerSecond])
        writeCurves()
    }

    public func notice(_ message: String) {
        clearBar()
        print("| \(message)")
    }

    /// The end-of-training block with the test perplexity and accuracy (and the corpus floor when
    /// known); `interrupted` (training stopped early by Ctrl-C) is recorded in metrics.jsonl.
    public func testResult(_ test: Evaluation, floor: Double?, interrupted: Bool = false) {
        let line = String(repeating: "=", count: 89)
        print(line)
        var text = String(format: "| End of training | test loss %5.2f | test ppl %8.2f | test acc %5.2f%%", test.loss,
                          test.perplexity, 100 * test.accuracy)
        if let floor { text += String(format: " | corpus floor ppl %8.2f", floor) }
        print(text)
        print(line)
        var record: [String: Any] = ["type": "test", "test_loss": test.loss, "test_ppl": test.perplexity,
                                     "test_accuracy": test.accuracy, "interrupted": interrupted]
        if let floor { record["floor_ppl"] = floor }
        folder?.appendMetrics(record)
    }

    func writeCurves() {
        guard let folder else { return }
        let chart = LineChart(title: "Perplexity", xLabel: "epoch", yLabel: "perplexity", logY: true,
                              series: [.init(name: "train", points: trainPoints), .init(name: "valid", points: validPoints)])
        try? folder.write(chart.svg(), to: folder.curves)
    }
}
