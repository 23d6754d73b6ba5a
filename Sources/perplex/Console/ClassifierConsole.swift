import Foundation
import Train

/// Console lines of `perplex classify train` (each prefixed by the fold in a cross-validation),
/// with a progress bar on a terminal.
final class ClassifierConsole: ClassifierTrainingReporter {
    let bar: ProgressBar
    private var prefix = ""

    init(live: Bool) { bar = ProgressBar(live: live) }

    func begin(_ name: String?) { prefix = name.map { "\($0) | " } ?? "" }

    func batchDone(epoch: Int, batch: Int, batches: Int, secondsLeft: Double) {
        bar.draw(done: batch, of: batches, secondsLeft: secondsLeft) { _ in
            String(format: "| %@epoch %3d | %d/%d batches", prefix, epoch, batch, batches)
        }
    }

    func epochEnd(epoch: Int, seconds: Double, trainLoss: Double, trainAccuracy: Double, devAccuracy: Double?) {
        var line = String(
            format: "| %@end of epoch %3d | time: %6.2fs | train loss %.4f | train acc %6.2f%%", prefix, epoch,
            seconds, trainLoss, trainAccuracy * 100)
        if let devAccuracy { line += String(format: " | dev acc %6.2f%%", devAccuracy * 100) }
        bar.print(line)
    }

    func notice(_ message: String) { bar.print("| \(prefix)\(message)") }

    func result(_ metrics: ClassificationMetrics, title: String, extra: [String: Any]) {
        bar.print(metrics.report(title: title))
    }

    func crossValidation(_ result: CrossValidation.Result) {
        bar.print(
            String(
                format: "| cross-validation | %d of %d folds | mean accuracy %.2f%% ± %.2f | %.1fs", result.accuracies.count,
                result.folds, result.mean * 100, result.standardDeviation * 100, result.seconds))
    }
}
