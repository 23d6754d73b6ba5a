import Foundation

/// A snapshot of training, reported while it runs.
public struct TrainingProgress: Sendable {
    /// Fraction of `epochs × tokens` processed, 0...1.
    public var fraction: Double
    /// Tokens processed per second per thread (fastText's `words/sec/thread`).
    public var wordsPerSecondPerThread: Double
    public var learningRate: Double
    /// Mean loss per (centre, context) pair, summed over its positive and negative targets as
    /// fastText reports it, on the first thread.
    public var averageLoss: Double
    /// Seconds since training started.
    public var elapsed: Double

    public init(fraction: Double, wordsPerSecondPerThread: Double, learningRate: Double, averageLoss: Double, elapsed: Double) {
        (self.fraction, self.wordsPerSecondPerThread, self.learningRate) = (fraction, wordsPerSecondPerThread, learningRate)
        (self.averageLoss, self.elapsed) = (averageLoss, elapsed)
    }

    /// Estimated seconds left at the current pace.
    public var secondsLeft: Double { fraction > 0 ? elapsed * (1 - fraction) / fraction : 0 }

    /// fastText's progress line: `Progress: 42.1% words/sec/thread:  123456 lr:  0.028000 avg.loss:  1.234567 ETA:   0h 0m12s`.
    public var line: String {
        let eta = Int(secondsLeft.rounded())
        return String(
            format: "Progress: %5.1f%% words/sec/thread: %7.0f lr: %9.6f avg.loss: %10.6f ETA: %3dh%2dm%2ds",
            100 * fraction, wordsPerSecondPerThread, learningRate, averageLoss, eta / 3600, eta / 60 % 60, eta % 60)
    }
}
