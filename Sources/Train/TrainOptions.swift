import Tensor
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
    /// Targets among the most frequent training words left out of the loss in the first epochs
    /// (`--exclude-frequent`; nil: every target counts from the start, the recipe's).
    public var excludeFrequent: FrequentTargetCurriculum?
    /// nanoGPT's loop instead of the recipe's epochs (`IterationTrainer`): random windows, AdamW,
    /// warm-up and cosine decay, iterations as the unit. Nil: the recipe's epochs of BPTT windows.
    public var iterations: IterationOptions?
    /// The optimizer (nil: the recipe's plain SGD; `.adamW` is its `--use-optimizer`). Optional
    /// so that config.json files written before it existed still read.
    public var optimizer: TrainOptimizer?
    /// How ranks exchange gradients (nil: `GradientExchange()`, overlap and sparse embedding
    /// rows). Optional so that config.json files written before it existed still read.
    public var exchange: GradientExchange?
    /// The matrix products' input precision (`--precision`; nil: Float32). Optional so that
    /// config.json files written before it existed still read.
    public var precision: MatrixPrecision?

    public init() {}

    /// Checks what a user controls, every number against its bound (`Limits`) before any
    /// arithmetic on it; returns a one-line problem or nil.
    public func problem() -> String? {
        if !(lr > 0) || !lr.isFinite { return "--lr must be positive, got \(lr)" }
        if !(clip >= 0) || !clip.isFinite { return "--clip must be non-negative, got \(clip)" }
        if let problem = Self.outside("--epochs", epochs, 1...Limits.epochs) ?? Self.outside(
            "--batch-size", batchSize, 1...Limits.batchSize)
            ?? Self.outside("--bptt", bptt, 1...Limits.bptt) ?? Self.outside("--max-batches", maxBatches, 0...Int.max)
            ?? Self.outside("--log-interval", logInterval, 1...Int.max)
            ?? Self.outside("the evaluation batch size", evalBatchSize, 1...Limits.batchSize)
        {
            return problem
        }
        if let problem = excludeFrequent?.problem { return problem }
        if let iterations {
            if curriculum != nil { return "--curriculum does not apply to --max-iters training (random windows)" }
            if excludeFrequent != nil {
                return "--exclude-frequent does not apply to --max-iters training (its stages are epochs)"
            }
            return iterations.problem()
        }
        return curriculum?.problem(bptt: bptt)
    }

    /// The largest values `problem()` accepts: far above any run this toolkit makes, and low enough
    /// that the products training forms from them (tokens per batch, curriculum positions) never overflow.
    public enum Limits {
        /// --epochs, --curriculum-epochs.
        public static let epochs = 1_000_000
        /// --batch-size (per rank) and the evaluation batch size.
        public static let batchSize = 1 << 20
        /// --bptt.
        public static let bptt = 1 << 20
    }

    /// "FLAG must be at least LOW" (non-negative for 0) or "at most HIGH", with the value, when
    /// `value` is outside `range`; else nil.
    static func outside(_ flag: String, _ value: Int, _ range: ClosedRange<Int>) -> String? {
        if value < range.lowerBound {
            return range.lowerBound == 0
                ? "\(flag) must be non-negative, got \(value)" : "\(flag) must be at least \(range.lowerBound), got \(value)"
        }
        return value > range.upperBound ? "\(flag) must be at most \(range.upperBound), got \(value)" : nil
    }
}
