/// Settings of a t-SNE run. The defaults are the standard schedule (van der Maaten 2014, openTSNE):
/// perplexity 30, early exaggeration 12 for 250 iterations with momentum 0.5, then momentum 0.8
/// up to 1000 iterations in all, gains +0.2 / ×0.8 (at least 0.01), steps at most 5 long per point.
public struct TSNEOptions: Sendable {
    /// How the gradient's repulsive part is computed.
    public enum Method: Equatable, Sendable {
        /// Exact up to `exactLimit` points, Barnes-Hut above.
        case automatic
        case exact
        case barnesHut
    }

    /// The learning rate η.
    ///
    /// η multiplies the gradient *without* its factor 4, Σ_j (α p_ij − q_ij) w_ij (y_i − y_j), as in
    /// openTSNE and FIt-SNE (so η = 200 here is η = 50 in bhtsne's or scikit-learn's units).
    public enum LearningRate: Equatable, Sendable {
        /// openTSNE 1.0's "auto": η = n / α in each phase (n / 12 during early exaggeration, then n).
        case automatic
        case fixed(Double)
    }

    /// How the embedding starts.
    public enum Initialization: Equatable, Sendable {
        /// The data's first two principal components, scaled so that the first has standard
        /// deviation 1e-4, plus seeded jitter of 1 % of that (openTSNE's default).
        case pca
        /// Seeded normal noise with standard deviation 1e-4.
        case random
    }

    public var perplexity = 30.0
    public var iterations = 1000
    public var earlyExaggeration = 12.0
    public var earlyExaggerationIterations = 250
    public var initialMomentum = 0.5
    public var finalMomentum = 0.8
    public var learningRate = LearningRate.automatic
    public var method = Method.automatic
    /// Barnes-Hut's accuracy: a cell of side s at distance d is summarised when s / d < θ.
    public var theta = 0.5
    /// Largest n that `.automatic` embeds exactly.
    public var exactLimit = 500
    /// Longest step a point may take in one iteration (openTSNE's `max_step_norm`); nil: no limit.
    public var maxStepNorm: Double? = 5
    public var minGain = 0.01
    public var initialization = Initialization.pca
    public var seed: UInt64 = 1
    /// Compute the cost every this many iterations for progress reports.
    public var costInterval = 50
    /// Run on the calling thread only.
    public var serial = false

    public init() {}

    /// The method used for `n` points.
    public func resolvedMethod(points n: Int) -> TSNEMethod {
        switch method {
        case .exact: .exact
        case .barnesHut: .barnesHut(theta: theta)
        case .automatic: n <= exactLimit ? .exact : .barnesHut(theta: theta)
        }
    }

    /// Throws when an option is out of range for `n` points.
    public func validate(points n: Int) throws(EmbeddingError) {
        try Affinities.checkPerplexity(perplexity, points: n)
        guard iterations >= 0 else { throw .invalidOption(name: "iterations", value: Double(iterations), expected: "0 or more") }
        guard earlyExaggerationIterations >= 0 else {
            throw .invalidOption(
                name: "early exaggeration iterations", value: Double(earlyExaggerationIterations), expected: "0 or more")
        }
        guard earlyExaggeration.isFinite, earlyExaggeration > 0 else {
            throw .invalidOption(name: "early exaggeration", value: earlyExaggeration, expected: "a positive number")
        }
        guard theta.isFinite, theta >= 0 else { throw .invalidOption(name: "theta", value: theta, expected: "0 or more") }
        for (name, momentum) in [("initial momentum", initialMomentum), ("final momentum", finalMomentum)] {
            guard momentum >= 0, momentum < 1 else {
                throw .invalidOption(name: name, value: momentum, expected: "0 ≤ momentum < 1")
            }
        }
        if case .fixed(let eta) = learningRate, !(eta.isFinite && eta > 0) {
            throw .invalidOption(name: "learning rate", value: eta, expected: "a positive number")
        }
        if let limit = maxStepNorm, !(limit > 0) {
            throw .invalidOption(name: "max step norm", value: limit, expected: "a positive number")
        }
    }
}
