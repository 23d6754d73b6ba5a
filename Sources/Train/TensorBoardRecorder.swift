import Formats
import Foundation

/// Records a language-model run as a TensorBoard event file in its run folder, beside
/// metrics.jsonl (which stays the primary record): every number of every metrics.jsonl line
/// but the epoch and batch indices, as a scalar. A resumed run writes a new file in the folder;
/// TensorBoard reads the folder's files as one run, and a sweep folder as one comparison.
///
/// Tags (`TensorBoardRecorder.scalars(of:)`): a `batch` line's fields under `train/` (`train/loss`,
/// `train/ppl`, `train/lr`, `train/ms_per_batch`); an `epoch` line's `valid_*` fields under `valid/`
/// (`valid/loss`, `valid/ppl`, `valid/accuracy`) and the others under `epoch/` (`epoch/train_loss`,
/// `epoch/lr`, `epoch/tokens_per_s`, `epoch/seconds`, and with `--exclude-frequent`
/// `epoch/excluded_frequent`); a `test` line's under `test/` (`test/loss`,
/// `test/ppl`, `test/accuracy`, `test/floor_ppl`, `test/bpc`).
///
/// Steps: the global batch index — the optimizer steps taken since the run began, counted over
/// every epoch (resumed runs included, each epoch's batches as `Trainer.batchCount(epoch:)` says).
/// A batch line's step is its batch's; an epoch line's is the step at the epoch's end, so training
/// and validation curves share one axis; the test's is the last step trained.
public final class TensorBoardRecorder: TrainingReporter {
    /// The event file written.
    public let events: TensorBoardEventFile
    let batchesInEpoch: (Int) -> Int
    /// Steps before each epoch (1-based), filled as epochs are reached.
    private var offsets: [Int: Int] = [:]
    private var lastStep = 0
    /// The current epoch's K of a frequent-target curriculum (nil without one).
    private var excludedFrequent: Int?

    /// A new event file in `folder`; `batchesInEpoch(e)`: the batches epoch e trains on
    /// (`Trainer.batchCount(epoch:)`), which number the steps.
    public init(folder: RunFolder, batchesInEpoch: @escaping (Int) -> Int) throws {
        events = try TensorBoardEventFile(folder: folder.url)
        self.batchesInEpoch = batchesInEpoch
    }

    /// The global step of `batch` (1-based) of `epoch` (1-based).
    func step(epoch: Int, batch: Int) -> Int {
        if offsets[epoch] == nil {
            offsets[epoch] = (1..<max(epoch, 1)).reduce(0) { $0 + batchesInEpoch($1) }
        }
        return offsets[epoch, default: 0] + batch
    }

    /// The scalars a metrics.jsonl line becomes: (tag, value) for each number but `epoch` and
    /// `batch`, sorted by tag.
    public static func scalars(of record: [String: Any]) -> [(tag: String, value: Float)] {
        let type = record["type"] as? String ?? ""
        var scalars: [(tag: String, value: Float)] = []
        for (key, value) in record where !["type", "epoch", "batch", "interrupted"].contains(key) {
            let number: Double
            switch value {
            case let double as Double: number = double
            case let int as Int: number = Double(int)
            case let float as Float: number = Double(float)
            case is String, is Bool: continue
            case let other: preconditionFailure("metrics field \(key) holds \(Swift.type(of: other))")
            }
            scalars.append((tag(type: type, key: key), Float(number)))
        }
        return scalars.sorted { $0.tag < $1.tag }
    }

    /// The tag of field `key` of a line of `type` (see the class's documentation).
    static func tag(type: String, key: String) -> String {
        func under(_ section: String, dropping prefix: String) -> String {
            "\(section)/" + (key.hasPrefix(prefix) ? String(key.dropFirst(prefix.count)) : key)
        }
        return switch type {
        case "batch": "train/\(key)"
        case "epoch": key.hasPrefix("valid_") ? under("valid", dropping: "valid_") : "epoch/\(key)"
        case "test": under("test", dropping: "test_")
        default: "\(type)/\(key)"
        }
    }

    func record(_ record: [String: Any], step: Int) {
        lastStep = step
        try? events.add(Self.scalars(of: record), step: step)
    }

    public func batchDone(epoch: Int, batch: Int, batches: Int, tokensPerSecond: Double, secondsLeft: Double) {
        lastStep = step(epoch: epoch, batch: batch)
    }

    public func log(epoch: Int, batch: Int, batches: Int, lr: Float, msPerBatch: Double, loss: Double) {
        record(
            MetricsRecord.batch(epoch: epoch, batch: batch, lr: lr, msPerBatch: msPerBatch, loss: loss),
            step: step(epoch: epoch, batch: batch))
    }

    public func epochEnd(
        epoch: Int, seconds: Double, trainLoss: Double, validLoss: Double, validAccuracy: Double, lr: Float,
        tokensPerSecond: Double
    ) {
        record(
            MetricsRecord.epoch(
                epoch: epoch, seconds: seconds, trainLoss: trainLoss, validLoss: validLoss, validAccuracy: validAccuracy,
                lr: lr, tokensPerSecond: tokensPerSecond, excludedFrequent: excludedFrequent),
            step: step(epoch: epoch, batch: batchesInEpoch(epoch)))
    }

    public func excludedTargets(epoch: Int, mostFrequent: Int) { excludedFrequent = mostFrequent }

    public func notice(_ message: String) {}

    public func testResult(_ test: Evaluation, floor: Double?, interrupted: Bool) {
        record(MetricsRecord.test(test, floor: floor, interrupted: interrupted), step: lastStep)
    }
}
