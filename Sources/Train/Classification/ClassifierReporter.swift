import Foundation
import Plot

/// Console lines, metrics.jsonl records and an accuracy chart for classifier training.
public final class ClassifierReporter {
    let folder: RunFolder?
    let live: Bool
    private var lastBar = Date.distantPast
    private var trainPoints: [(x: Double, y: Double)] = []
    private var devPoints: [(x: Double, y: Double)] = []
    /// Prefix for console lines (the fold in cross-validation).
    public var prefix = ""

    /// `live`: draw a progress bar (only on a terminal; plain lines otherwise).
    public init(folder: RunFolder?, live: Bool = isatty(STDOUT_FILENO) != 0) {
        self.folder = folder
        self.live = live
    }

    private func clearBar() { if live { print("\r\u{1B}[K", terminator: "") } }

    func batchDone(epoch: Int, batch: Int, batches: Int, secondsLeft: Double) {
        guard live, Date().timeIntervalSince(lastBar) > 0.2 || batch == batches else { return }
        lastBar = Date()
        let eta = Int(secondsLeft.rounded())
        print(String(format: "\r\u{1B}[K| %@epoch %3d | %d/%d batches | ETA %d:%02d", prefix, epoch, batch, batches, eta / 60, eta % 60),
              terminator: "")
        fflush(stdout)
    }

    func epochEnd(epoch: Int, seconds: Double, trainLoss: Double, trainAccuracy: Double, devAccuracy: Double?) {
        clearBar()
        var line = String(format: "| %@end of epoch %3d | time: %6.2fs | train loss %.4f | train acc %6.2f%%", prefix, epoch,
                          seconds, trainLoss, trainAccuracy * 100)
        if let devAccuracy { line += String(format: " | dev acc %6.2f%%", devAccuracy * 100) }
        print(line)
        var record: [String: Any] = ["type": "epoch", "epoch": epoch, "seconds": seconds, "train_loss": trainLoss,
                                     "train_accuracy": trainAccuracy]
        if let devAccuracy { record["dev_accuracy"] = devAccuracy }
        if !prefix.isEmpty { record["run"] = prefix.trimmingCharacters(in: CharacterSet(charactersIn: " |")) }
        folder?.appendMetrics(record)
        trainPoints.append((Double(epoch), trainAccuracy * 100))
        if let devAccuracy { devPoints.append((Double(epoch), devAccuracy * 100)) }
        writeCurves()
    }

    public func notice(_ message: String) {
        clearBar()
        print("| \(prefix)\(message)")
    }

    /// Prints a metrics report and records it.
    public func result(_ metrics: ClassificationMetrics, title: String, extra: [String: Any] = [:]) {
        clearBar()
        print(metrics.report(title: title))
        var record = metrics.record()
        record["type"] = "evaluation"
        record["data"] = title
        for (k, v) in extra { record[k] = v }
        folder?.appendMetrics(record)
    }

    /// Starts new curves (each cross-validation fold draws its own).
    public func resetCurves() {
        trainPoints = []
        devPoints = []
    }

    func writeCurves() {
        guard let folder else { return }
        var series: [LineChart.Series] = [.init(name: "train", points: trainPoints)]
        if !devPoints.isEmpty { series.append(.init(name: "dev", points: devPoints)) }
        let chart = LineChart(title: "Accuracy", xLabel: "epoch", yLabel: "accuracy (%)", logY: false, series: series)
        try? folder.write(chart.svg(), to: folder.curves)
    }
}
