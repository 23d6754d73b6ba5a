import Foundation

/// nanoGPT's training hyper-parameters (train.py's names and defaults): iterations as the unit,
/// random windows, AdamW, warm-up then cosine decay, gradient accumulation, periodic estimates.
/// The batch size and seed are `TrainOptions`'; the window is the model's block size.
public struct IterationOptions: Codable, Equatable, Sendable {
    /// Iterations to train (nanoGPT stops after iteration max_iters, so max_iters + 1 updates).
    public var maxIters = 5000
    /// Estimate the train and val losses every this many iterations (and at iteration 0).
    public var evalInterval = 2000
    /// Random batches each estimate averages, per split.
    public var evalIters = 200
    /// Print a progress line every this many iterations.
    public var logInterval = 1
    /// The peak learning rate.
    public var learningRate: Float = 6e-4
    /// The learning rate the cosine decays to.
    public var minLR: Float = 6e-5
    public var warmupIters = 2000
    /// Iterations of the decay (nil: `maxIters`, as nanoGPT advises: "should be ~= max_iters").
    public var lrDecayIters: Int?
    /// Decoupled weight decay of the ≥ 2-D weights.
    public var weightDecay: Float = 0.1
    public var beta1: Float = 0.9
    public var beta2: Float = 0.95
    /// Clip the global gradient norm at this (0: no clipping).
    public var gradClip: Float = 1
    /// Micro-batches whose gradients add up to one update.
    public var gradientAccumulationSteps = 1
    /// Warm-up and cosine decay (false: `learningRate` throughout).
    public var decayLR = true

    public init() {}

    /// The decay's length as used.
    public var decayIters: Int { lrDecayIters ?? maxIters }

    /// A one-line problem with the options, or nil; every number checked against its bound.
    public func problem() -> String? {
        let counts: [(String, Int, ClosedRange<Int>)] = [
            ("--max-iters", maxIters, 0...Limits.iterations), ("--eval-interval", evalInterval, 1...Limits.iterations),
            ("--eval-iters", evalIters, 1...Limits.iterations), ("--log-interval", logInterval, 1...Int.max),
            ("--warmup-iters", warmupIters, 0...Limits.iterations), ("--lr-decay-iters", decayIters, 0...Limits.iterations),
            ("--gradient-accumulation-steps", gradientAccumulationSteps, 1...Limits.iterations)
        ]
        for (flag, value, range) in counts {
            if let problem = TrainOptions.outside(flag, value, range) { return problem }
        }
        for (flag, value) in [("--learning-rate", learningRate), ("--min-lr", minLR)] where !(value >= 0) || !value.isFinite {
            return "\(flag) must be non-negative, got \(value)"
        }
        if !(learningRate > 0) { return "--learning-rate must be positive, got \(learningRate)" }
        if !(weightDecay >= 0) || !weightDecay.isFinite { return "--weight-decay must be non-negative, got \(weightDecay)" }
        for (flag, value) in [("--beta1", beta1), ("--beta2", beta2)] where !(value >= 0 && value < 1) {
            return "\(flag) must be in [0, 1), got \(value)"
        }
        if !(gradClip >= 0) || !gradClip.isFinite { return "--grad-clip must be non-negative, got \(gradClip)" }
        return nil
    }

    public enum Limits {
        /// --max-iters, --eval-interval, --eval-iters, --warmup-iters, --lr-decay-iters, accumulation steps.
        public static let iterations = 1 << 40
    }

    /// nanoGPT's get_lr: linear warm-up to `learningRate` over `warmupIters`, cosine decay to
    /// `minLR` at `decayIters`, `minLR` after (constant `learningRate` without `decayLR`).
    public func learningRate(at iteration: Int) -> Float {
        guard decayLR else { return learningRate }
        if iteration < warmupIters { return learningRate * Float(iteration + 1) / Float(warmupIters + 1) }
        if iteration > decayIters { return minLR }
        let ratio = Double(iteration - warmupIters) / Double(max(1, decayIters - warmupIters))
        let coefficient = 0.5 * (1 + cos(Double.pi * ratio))
        return minLR + Float(coefficient) * (learningRate - minLR)
    }
}
