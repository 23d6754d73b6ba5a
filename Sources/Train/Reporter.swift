/// What training tells the outside world. The library records metrics through it (`RunRecorder`);
/// the CLI draws the console lines and progress bar through another conformer.
public protocol TrainingReporter: AnyObject {
    /// After every batch (for a live progress display).
    func batchDone(epoch: Int, batch: Int, batches: Int, tokensPerSecond: Double, secondsLeft: Double)
    /// Every `logInterval` batches: the classic log line's values.
    func log(epoch: Int, batch: Int, batches: Int, lr: Float, msPerBatch: Double, loss: Double)
    /// End of an epoch, after validation (`validAccuracy`: top-1 next-word accuracy, 0…1).
    func epochEnd(
        epoch: Int, seconds: Double, trainLoss: Double, validLoss: Double, validAccuracy: Double, lr: Float,
        tokensPerSecond: Double)
    /// The start of every epoch of a run with a frequent-target curriculum (`--exclude-frequent`):
    /// this epoch's loss leaves out the targets among the `mostFrequent` most frequent training
    /// words (0: every target counts). Told before the epoch's batches; runs without one never hear it.
    func excludedTargets(epoch: Int, mostFrequent: Int)
    /// A one-line notice (early stop, learning-rate change, NaN loss, what a run is about to do).
    func notice(_ message: String)
    /// The end of a run: the test evaluation, the corpus floor when known, and whether training
    /// was stopped early (Ctrl-C).
    func testResult(_ test: Evaluation, floor: Double?, interrupted: Bool)
    /// Iteration mode (nanoGPT's loop), every log interval: the iteration's loss (its last
    /// micro-batch's, as nanoGPT prints it), its wall time, the learning rate and training speed.
    func iteration(_ iteration: Int, loss: Double, milliseconds: Double, lr: Float, tokensPerSecond: Double)
    /// Iteration mode, every evaluation interval: the mean losses of random train and val batches.
    func estimate(_ iteration: Int, trainLoss: Double, validLoss: Double, lr: Float)
}

extension TrainingReporter {
    public func excludedTargets(epoch: Int, mostFrequent: Int) {}
    public func iteration(_ iteration: Int, loss: Double, milliseconds: Double, lr: Float, tokensPerSecond: Double) {}
    public func estimate(_ iteration: Int, trainLoss: Double, validLoss: Double, lr: Float) {}
    public func batchDone(epoch: Int, batch: Int, batches: Int, tokensPerSecond: Double, secondsLeft: Double) {}
    public func testResult(_ test: Evaluation, floor: Double?, interrupted: Bool) {}
}

/// Several reporters told the same things, in order.
public final class ReporterGroup: TrainingReporter {
    let members: [any TrainingReporter]

    public init(_ members: [any TrainingReporter]) { self.members = members }

    public func batchDone(epoch: Int, batch: Int, batches: Int, tokensPerSecond: Double, secondsLeft: Double) {
        for m in members {
            m.batchDone(epoch: epoch, batch: batch, batches: batches, tokensPerSecond: tokensPerSecond, secondsLeft: secondsLeft)
        }
    }

    public func log(epoch: Int, batch: Int, batches: Int, lr: Float, msPerBatch: Double, loss: Double) {
        for m in members { m.log(epoch: epoch, batch: batch, batches: batches, lr: lr, msPerBatch: msPerBatch, loss: loss) }
    }

    public func epochEnd(
        epoch: Int, seconds: Double, trainLoss: Double, validLoss: Double, validAccuracy: Double, lr: Float,
        tokensPerSecond: Double
    ) {
        for m in members {
            m.epochEnd(
                epoch: epoch, seconds: seconds, trainLoss: trainLoss, validLoss: validLoss, validAccuracy: validAccuracy,
                lr: lr, tokensPerSecond: tokensPerSecond)
        }
    }

    public func excludedTargets(epoch: Int, mostFrequent: Int) {
        for m in members { m.excludedTargets(epoch: epoch, mostFrequent: mostFrequent) }
    }

    public func notice(_ message: String) { for m in members { m.notice(message) } }

    public func iteration(_ iteration: Int, loss: Double, milliseconds: Double, lr: Float, tokensPerSecond: Double) {
        for m in members {
            m.iteration(iteration, loss: loss, milliseconds: milliseconds, lr: lr, tokensPerSecond: tokensPerSecond)
        }
    }

    public func estimate(_ iteration: Int, trainLoss: Double, validLoss: Double, lr: Float) {
        for m in members { m.estimate(iteration, trainLoss: trainLoss, validLoss: validLoss, lr: lr) }
    }

    public func testResult(_ test: Evaluation, floor: Double?, interrupted: Bool) {
        for m in members { m.testResult(test, floor: floor, interrupted: interrupted) }
    }
}
