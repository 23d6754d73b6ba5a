/// Skip-gram hyper-parameters, with fastText's `skipgram` defaults.
public struct SkipGramConfiguration: Sendable, Equatable {
    /// Length of the word vectors (`-dim`).
    public var dimension = 100
    /// Passes over the corpus (`-epoch`).
    public var epochs = 5
    /// Largest context window; each centre word draws its window uniformly from 1...windowSize (`-ws`).
    public var windowSize = 5
    /// Negative words drawn per (centre, context) pair (`-neg`).
    public var negatives = 5
    /// Words seen fewer times are dropped (`-minCount`).
    public var minCount = 5
    /// Starting learning rate, decayed linearly to 0 over `epochs × tokens` (`-lr`).
    public var learningRate: Float = 0.05
    /// Training threads, updating the shared matrices without locks (`-thread`).
    public var threads = 1
    /// Shortest and longest character n-gram (`-minn`, `-maxn`); `maxN == 0` turns subwords off.
    public var minN = 3
    public var maxN = 6
    /// Hash buckets for the n-grams (`-bucket`).
    public var buckets = 2_000_000
    /// Sub-sampling threshold (`-t`); see `Subsampling`.
    public var samplingThreshold = 1e-4
    /// Negatives are drawn ∝ count^negativePower: word2vec uses 0.75, fastText 0.5.
    public var negativePower = 0.75
    /// Seeds the initial vectors and every thread's random stream.
    public var seed: UInt64 = 0
    /// Recompute the centre word's hidden vector before every context word and update its rows after
    /// each, literally as fastText's code does, instead of once per centre word (see
    /// `SkipGramWorker`). Slower; on one thread it gives the same vectors up to rounding. For checks.
    public var literalUpdateOrder = false

    public init() {}

    /// Whether words are split into character n-grams.
    public var usesSubwords: Bool { maxN > 0 }

    /// Throws for a setting outside its range, naming the flag.
    public func validate() throws(VectorsError) {
        func require(_ ok: Bool, _ name: String, _ value: Any, _ requirement: String) throws(VectorsError) {
            if !ok { throw .invalidSetting(name: name, value: "\(value)", requirement: requirement) }
        }
        try require(dimension >= 1, "dim", dimension, "must be at least 1")
        try require(epochs >= 1, "epoch", epochs, "must be at least 1")
        try require(windowSize >= 1, "ws", windowSize, "must be at least 1")
        try require(negatives >= 1, "neg", negatives, "must be at least 1")
        try require(minCount >= 1, "min-count", minCount, "must be at least 1")
        try require(learningRate > 0 && learningRate.isFinite, "lr", learningRate, "must be a positive number")
        try require(threads >= 1, "thread", threads, "must be at least 1")
        try require(maxN >= 0, "maxn", maxN, "must be 0 (no subwords) or more")
        if usesSubwords {
            try require(minN >= 1, "minn", minN, "must be at least 1 when --maxn is positive")
            try require(minN <= maxN, "minn", minN, "must not exceed --maxn \(maxN)")
            try require(buckets >= 1, "bucket", buckets, "must be at least 1 when --maxn is positive")
            try require(buckets <= Int(Int32.max), "bucket", buckets, "must fit in 32 bits")
        }
        try require(samplingThreshold > 0 && samplingThreshold.isFinite, "t", samplingThreshold, "must be a positive number")
        try require(negativePower >= 0 && negativePower.isFinite, "neg-power", negativePower, "must be 0 or more")
    }
}
