import Text

/// The recipe's training hyper-parameters (`main.py` flags), with its defaults.
public struct TrainOptions: Codable, Equatable, Sendable {
    public var lr: Float = 20
    public var clip: Float = 0.25
    public var epochs = 40
    public var batchSize = 20
    public var bptt = 35
    public var seed: UInt64 = 1111
    public var logInterval = 200
    /// Run one batch per epoch only (the recipe's --dry-run).
    public var dryRun = false
    /// Stop each epoch after this many batches (0: the whole epoch); for timing runs.
    public var maxBatches = 0
    /// Evaluation batch size (the recipe uses 10).
    public var evalBatchSize = 10
    /// Short training windows first (nil: every window `bptt` steps, the recipe's).
    public var curriculum: Curriculum?

    public init() {}

    /// Checks what a user controls; returns a one-line problem or nil.
    public func problem() -> String? {
        if !(lr > 0) || !lr.isFinite { return "--lr must be positive, got \(lr)" }
        if clip < 0 || !clip.isFinite { return "--clip must be non-negative, got \(clip)" }
        if epochs < 1 { return "--epochs must be at least 1, got \(epochs)" }
        if batchSize < 1 { return "--batch-size must be at least 1, got \(batchSize)" }
        if batchSize > BatchedStream.maxBatchSize {
            return "--batch-size must be at most \(BatchedStream.maxBatchSize), got \(batchSize)"
        }
        if evalBatchSize < 1 || evalBatchSize > BatchedStream.maxBatchSize {
            return "the evaluation batch size must be 1…\(BatchedStream.maxBatchSize), got \(evalBatchSize)"
        }
        if bptt < 1 { return "--bptt must be at least 1, got \(bptt)" }
        if maxBatches < 0 { return "--max-batches must be non-negative, got \(maxBatches)" }
        if logInterval < 1 { return "--log-interval must be at least 1, got \(logInterval)" }
        return curriculum?.problem(bptt: bptt)
    }
}
