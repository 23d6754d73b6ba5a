/// What training tells the outside world (console, metrics file).
public protocol TrainingReporter: AnyObject {
    /// After every batch (for a live progress display).
    func batchDone(epoch: Int, batch: Int, batches: Int, tokensPerSecond: Double, secondsLeft: Double)
    /// Every `logInterval` batches: the classic log line's values.
    func log(epoch: Int, batch: Int, batches: Int, lr: Float, msPerBatch: Double, loss: Double)
    /// End of an epoch, after validation (`validAccuracy`: top-1 next-word accuracy, 0…1).
    func epochEnd(epoch: Int, seconds: Double, trainLoss: Double, validLoss: Double, validAccuracy: Double, lr: Float,
                  tokensPerSecond: Double)
    /// A one-line notice (early stop, learning-rate change, NaN loss).
    func notice(_ message: String)
}
