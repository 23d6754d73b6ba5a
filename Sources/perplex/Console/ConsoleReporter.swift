import Foundation
import Train

/// The recipe's console lines for `perplex train`, and on a terminal a live progress bar with
/// tokens/s and ETA that each printed line clears first.
final class ConsoleReporter: TrainingReporter {
    let bar: ProgressBar
    /// The current epoch's K of a frequent-target curriculum (nil without one), for the epoch's line.
    var excludedFrequent: Int?

    /// `live`: draw the progress bar (only on a terminal; plain lines otherwise).
    init(live: Bool) { bar = ProgressBar(live: live) }

    static let rule = String(repeating: "-", count: 89)

    func batchDone(epoch: Int, batch: Int, batches: Int, tokensPerSecond: Double, secondsLeft: Double) {
        bar.draw(done: batch, of: batches, secondsLeft: secondsLeft) { bar in
            String(format: "| epoch %3d [%@] %d/%d | %.0f tok/s", epoch, bar, batch, batches, tokensPerSecond)
        }
    }

    func log(epoch: Int, batch: Int, batches: Int, lr: Float, msPerBatch: Double, loss: Double) {
        bar.print(
            String(
                format: "| epoch %3d | %5d/%5d batches | lr %02.2f | ms/batch %5.2f | loss %5.2f | ppl %8.2f",
                epoch, batch, batches, lr, msPerBatch, loss, perplexity(loss)))
    }

    func epochEnd(
        epoch: Int, seconds: Double, trainLoss: Double, validLoss: Double, validAccuracy: Double, lr: Float,
        tokensPerSecond: Double
    ) {
        bar.print(Self.rule)
        var line = String(
            format: "| end of epoch %3d | time: %5.2fs | valid loss %5.2f | valid ppl %8.2f | valid acc %5.2f%%", epoch,
            seconds, validLoss, perplexity(validLoss), 100 * validAccuracy)
        if let excludedFrequent {
            line += excludedFrequent > 0 ? " | trained without the top \(excludedFrequent) targets" : " | trained on all targets"
        }
        bar.print(line)
        bar.print(Self.rule)
    }

    func excludedTargets(epoch: Int, mostFrequent: Int) { excludedFrequent = mostFrequent }

    func notice(_ message: String) { bar.print("| \(message)") }

    /// nanoGPT's lines.
    func iteration(_ iteration: Int, loss: Double, milliseconds: Double, lr: Float, tokensPerSecond: Double) {
        bar.print(
            String(
                format: "iter %d: loss %.4f, time %.2fms, lr %.3g, %.0f tokens/s", iteration, loss, milliseconds, lr,
                tokensPerSecond))
    }

    func estimate(_ iteration: Int, trainLoss: Double, validLoss: Double, lr: Float) {
        bar.print(String(format: "step %d: train loss %.4f, val loss %.4f", iteration, trainLoss, validLoss))
    }

    func testResult(_ test: Evaluation, floor: Double?, interrupted: Bool) {
        let line = String(repeating: "=", count: 89)
        var text = String(
            format: "| End of training | test loss %5.2f | test ppl %8.2f | test acc %5.2f%%", test.loss,
            test.perplexity, 100 * test.accuracy)
        if let bits = test.bitsPerCharacter { text += String(format: " | test bpc %.3f", bits) }
        if let floor { text += String(format: " | corpus floor ppl %8.2f", floor) }
        bar.print(line)
        bar.print(text)
        bar.print(line)
    }
}

/// A one-line progress bar redrawn in place (ANSI), at most five times a second.
final class ProgressBar {
    let live: Bool
    private var last = Date.distantPast

    init(live: Bool) { self.live = live }

    /// Redraws the bar: `line` gets the 30-character bar and the ETA is appended.
    func draw(done: Int, of total: Int, secondsLeft: Double, _ line: (String) -> String) {
        guard live, Date().timeIntervalSince(last) > 0.2 || done == total else { return }
        last = Date()
        let width = 30
        let filled = total > 0 ? width * min(done, total) / total : width
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        let eta = Int(secondsLeft.rounded())
        Swift.print("\r\u{1B}[K" + line(bar) + String(format: " | ETA %d:%02d", eta / 60, eta % 60), terminator: "")
        fflush(stdout)
    }

    /// Prints a line in place of the bar.
    func print(_ line: String) {
        if live { Swift.print("\r\u{1B}[K", terminator: "") }
        Swift.print(line)
    }
}
