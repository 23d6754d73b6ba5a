import ArgumentParser
import Train

/// nanoGPT's train.py flags (`--max-iters` or `--max_iters`, …): given `--max-iters`, `perplex
/// train` runs nanoGPT's loop (`IterationTrainer`) instead of the recipe's epochs.
struct IterationFlags: ParsableArguments {
    @Option(
        name: [.customLong("max-iters"), .customLong("max_iters")], parsing: .unconditional,
        help: "Train nanoGPT's way for this many iterations: random windows of --block-size, AdamW, warm-up and cosine decay.")
    var maxIters: Int?
    @Option(
        name: [.customLong("eval-interval"), .customLong("eval_interval")], parsing: .unconditional,
        help: "With --max-iters: estimate train and val loss every N iterations (default 2000).")
    var evalInterval: Int?
    @Option(
        name: [.customLong("eval-iters"), .customLong("eval_iters")], parsing: .unconditional,
        help: "With --max-iters: random batches per estimate and split (default 200).")
    var evalIters: Int?
    @Option(
        name: [.customLong("min-lr"), .customLong("min_lr")], parsing: .unconditional,
        help: "With --max-iters: the learning rate the cosine decays to (default 6e-5).")
    var minLr: Float?
    @Option(
        name: [.customLong("warmup-iters"), .customLong("warmup_iters")], parsing: .unconditional,
        help: "With --max-iters: linear warm-up iterations (default 2000).")
    var warmupIters: Int?
    @Option(
        name: [.customLong("lr-decay-iters"), .customLong("lr_decay_iters")], parsing: .unconditional,
        help: "With --max-iters: iterations of the cosine decay (default --max-iters).")
    var lrDecayIters: Int?
    @Option(
        name: [.customLong("weight-decay"), .customLong("weight_decay")], parsing: .unconditional,
        help: "With --max-iters: AdamW's decoupled weight decay of the ≥ 2-D weights (default 0.1).")
    var weightDecay: Float?
    @Option(parsing: .unconditional, help: "With --max-iters: AdamW's β1 (default 0.9).") var beta1: Float?
    @Option(parsing: .unconditional, help: "With --max-iters: AdamW's β2 (default 0.95).") var beta2: Float?
    @Option(
        name: [.customLong("grad-clip"), .customLong("grad_clip")], parsing: .unconditional,
        help: "With --max-iters: clip the gradient norm at this, 0 for none (default 1).")
    var gradClip: Float?
    @Option(
        name: [.customLong("gradient-accumulation-steps"), .customLong("gradient_accumulation_steps")],
        parsing: .unconditional, help: "With --max-iters: micro-batches per update (default 1).")
    var gradientAccumulationSteps: Int?
    @Option(
        name: [.customLong("decay-lr"), .customLong("decay_lr")],
        help: "With --max-iters: warm-up and cosine decay, true or false (default true).")
    var decayLr: Bool?

    /// nanoGPT's options the flags give (nil without --max-iters); `lr` and `logInterval` are
    /// the shared flags' values when given.
    func options(lr: Float?, logInterval: Int?) -> IterationOptions? {
        guard let maxIters else { return nil }
        var o = IterationOptions()
        o.maxIters = maxIters
        if let evalInterval { o.evalInterval = evalInterval }
        if let evalIters { o.evalIters = evalIters }
        if let logInterval { o.logInterval = logInterval }
        if let lr { o.learningRate = lr }
        if let minLr { o.minLR = minLr }
        if let warmupIters { o.warmupIters = warmupIters }
        o.lrDecayIters = lrDecayIters
        if let weightDecay { o.weightDecay = weightDecay }
        if let beta1 { o.beta1 = beta1 }
        if let beta2 { o.beta2 = beta2 }
        if let gradClip { o.gradClip = gradClip }
        if let gradientAccumulationSteps { o.gradientAccumulationSteps = gradientAccumulationSteps }
        if let decayLr { o.decayLR = decayLr }
        return o
    }

    /// The flags given without --max-iters (they would do nothing), as a one-line problem.
    var problem: String? {
        guard maxIters == nil else { return nil }
        let given: [(String, Bool)] = [
            ("--eval-interval", evalInterval != nil), ("--eval-iters", evalIters != nil), ("--min-lr", minLr != nil),
            ("--warmup-iters", warmupIters != nil), ("--lr-decay-iters", lrDecayIters != nil),
            ("--weight-decay", weightDecay != nil), ("--beta1", beta1 != nil), ("--beta2", beta2 != nil),
            ("--grad-clip", gradClip != nil), ("--gradient-accumulation-steps", gradientAccumulationSteps != nil),
            ("--decay-lr", decayLr != nil)
        ]
        return given.first { $0.1 }.map { "\($0.0) needs --max-iters (nanoGPT's iteration training)" }
    }
}
