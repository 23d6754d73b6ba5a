import Foundation
import Plot

/// What classifier training tells the outside world. `ClassifierRecorder` records it in the run
/// folder; the CLI prints it.
public protocol ClassifierTrainingReporter: AnyObject {
    /// After every batch (for a live progress display).
    func batchDone(epoch: Int, batch: Int, batches: Int, secondsLeft: Double)
    /// End of an epoch (`devAccuracy` with a dev set).
    func epochEnd(epoch: Int, seconds: Double, trainLoss: Double, trainAccuracy: Double, devAccuracy: Double?)
    /// A one-line notice.
    func notice(_ message: String)
    /// The scores of one test (`title`: the file, or the fold), with extra fields for the record.
    func result(_ metrics: ClassificationMetrics, title: String, extra: [String: Any])
    /// The start of a new training (each cross-validation fold; `name` nil for a single run).
    func begin(_ name: String?)
    /// The end of a cross-validation.
    func crossValidation(_ result: CrossValidation.Result)
}

extension ClassifierTrainingReporter {
    public func batchDone(epoch: Int, batch: Int, batches: Int, secondsLeft: Double) {}
    public func begin(_ name: String?) {}
    public func crossValidation(_ result: CrossValidation.Result) {}
}

/// Records classifier training in its run folder: metrics.jsonl lines and the accuracy chart.
public final class ClassifierRecorder: ClassifierTrainingReporter {
    let folder: RunFolder
    private var run: String?
    private var trainPoints: [(x: Double, y: Double)] = []
    private var devPoints: [(x: Double, y: Double)] = []

    public init(folder: RunFolder) { self.folder = folder }

    public func begin(_ name: String?) {
        run = name
        (trainPoints, devPoints) = ([], [])
    }

    public func epochEnd(epoch: Int, seconds: Double, trainLoss: Double, trainAccuracy: Double, devAccuracy: Double?) {
        var record: [String: Any] = [
            "type": "epoch", "epoch": epoch, "seconds": seconds, "train_loss": trainLoss,
            "train_accuracy": trainAccuracy
        ]
        if let devAccuracy { record["dev_accuracy"] = devAccuracy }
        if let run { record["run"] = run }
        folder.appendMetrics(record)
        trainPoints.append((Double(epoch), trainAccuracy * 100))
        if let devAccuracy { devPoints.append((Double(epoch), devAccuracy * 100)) }
        var series: [LineChart.Series] = [.init(name: "train", points: trainPoints)]
        if !devPoints.isEmpty { series.append(.init(name: "dev", points: devPoints)) }
        let chart = LineChart(title: "Accuracy", xLabel: "epoch", yLabel: "accuracy (%)", logY: false, series: series)
        try? folder.write(chart.svg(), to: folder.curves)
    }

    public func notice(_ message: String) {}

    public func result(_ metrics: ClassificationMetrics, title: String, extra: [String: Any]) {
        var record = metrics.record()
        record["type"] = "evaluation"
        record["data"] = title
        for (k, v) in extra { record[k] = v }
        folder.appendMetrics(record)
    }

    public func crossValidation(_ result: CrossValidation.Result) {
        folder.appendMetrics([
            "type": "cross_validation", "folds": result.folds, "folds_run": result.accuracies.count,
            "accuracies": result.accuracies, "mean_accuracy": result.mean, "sd": result.standardDeviation,
            "seconds": result.seconds
        ])
    }
}

/// Several classifier reporters told the same things, in order.
final class ClassifierReporterGroup: ClassifierTrainingReporter {
    let members: [any ClassifierTrainingReporter]

    init(_ members: [any ClassifierTrainingReporter]) { self.members = members }

    func batchDone(epoch: Int, batch: Int, batches: Int, secondsLeft: Double) {
        for m in members { m.batchDone(epoch: epoch, batch: batch, batches: batches, secondsLeft: secondsLeft) }
    }

    func epochEnd(epoch: Int, seconds: Double, trainLoss: Double, trainAccuracy: Double, devAccuracy: Double?) {
        for m in members {
            m.epochEnd(
                epoch: epoch, seconds: seconds, trainLoss: trainLoss, trainAccuracy: trainAccuracy, devAccuracy: devAccuracy)
        }
    }

    func notice(_ message: String) { for m in members { m.notice(message) } }
    func result(_ metrics: ClassificationMetrics, title: String, extra: [String: Any]) {
        for m in members { m.result(metrics, title: title, extra: extra) }
    }
    func begin(_ name: String?) { for m in members { m.begin(name) } }
    func crossValidation(_ result: CrossValidation.Result) { for m in members { m.crossValidation(result) } }
}
