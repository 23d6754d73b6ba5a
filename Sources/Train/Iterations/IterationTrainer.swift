import Foundation
import Models
import NN
import Tensor
import Text

/// nanoGPT's training loop (train.py), iterations as the unit: every iteration draws
/// `gradientAccumulationSteps` batches of `batchSize` random windows of the block size from the
/// training stream (`RandomWindows`), adds up their gradients (each loss divided by the step
/// count), clips the global norm at `gradClip` and steps AdamW (weight decay on the ≥ 2-D
/// weights only) at the learning rate of `IterationOptions.learningRate(at:)`. At iteration 0 and
/// every `evalInterval` it estimates the train and val losses on `evalIters` random batches each
/// (nanoGPT's estimate_loss) and keeps the model with the best val loss (`onBest`). It stops after
/// iteration `maxIters` (then estimating the final model too, unless that was just done), on Ctrl-C
/// or on a non-finite loss, calls `onLast`, and leaves the best weights in the model.
public final class IterationTrainer {
    public let model: any LanguageModel
    public let options: TrainOptions
    public let iterations: IterationOptions
    /// The window, in tokens: the model's block size (GPT) or `options.bptt`.
    public let blockSize: Int
    let train: RandomWindows, valid: RandomWindows
    let start: TrainingProgress?
    let generator: RandomGenerator
    public var reporter: TrainingReporter?
    let onBest: ((any LanguageModel, TrainingProgress) throws -> Void)?
    /// Called with the model and where training stands when it stops (to write last.safetensors).
    public var onLast: ((any LanguageModel, TrainingProgress) throws -> Void)?
    /// A resumed run's AdamW moments (`optimizerState()`'s tensors) and best weights so far.
    let optimizerStart: [String: Tensor]
    let bestStart: [String: Tensor]?
    /// Wall time per stage and per op (`--profile`); the loss estimates count as validation.
    public var profile: StageProfile?
    private var optimizer: OptimizerGroups?

    /// `options.iterations` must be set; `start` goes on from a checkpoint's iteration.
    public init(
        model: any LanguageModel, corpus: Corpus, options: TrainOptions, start: TrainingProgress? = nil,
        optimizerState: [String: Tensor] = [:], best: [String: Tensor]? = nil, generator: RandomGenerator = .global,
        reporter: TrainingReporter? = nil, profile: StageProfile? = nil,
        onBest: ((any LanguageModel, TrainingProgress) throws -> Void)? = nil
    ) throws(TrainError) {
        guard let iterations = options.iterations else {
            throw TrainError(description: "IterationTrainer needs TrainOptions.iterations (nanoGPT's options)")
        }
        if let problem = options.problem() { throw TrainError(description: problem) }
        let blockSize = model.config.blockSize ?? options.bptt
        func windows(_ tokens: TokenIDs, _ name: String) throws(TrainError) -> RandomWindows {
            guard let windows = RandomWindows(tokens, blockSize: blockSize, batchSize: options.batchSize) else {
                throw TrainError(
                    description:
                        "the \(name) text has \(tokens.count) tokens, too few for one window of the block size \(blockSize) (need \(blockSize + 1))"
                )
            }
            return windows
        }
        train = try windows(corpus.train, "training")
        valid = try windows(corpus.valid, "validation")
        (self.model, self.options, self.iterations, self.blockSize) = (model, options, iterations, blockSize)
        (self.start, self.generator, self.reporter, self.onBest) = (start, generator, reporter, onBest)
        (optimizerStart, bestStart, self.profile) = (optimizerState, best, profile)
    }

    /// The names of the optimizer's parameters, in its order (its groups').
    func parameterNames(_ optimizer: any Optimizer) -> [String] {
        let names = Dictionary(
            model.namedParameters().map { (ObjectIdentifier($0.1), $0.0) }, uniquingKeysWith: { first, _ in first })
        return optimizer.parameters.map { names[ObjectIdentifier($0)] ?? "?" }
    }

    /// AdamW's moments as named tensors for last.safetensors (none before `run()`).
    public func optimizerState() -> [(name: String, tensor: Tensor)] {
        guard let optimizer else { return [] }
        return OptimizerState.save(optimizer, names: parameterNames(optimizer)).tensors
    }

    /// Trains until iteration `maxIters` is done (or Ctrl-C, or divergence). The summary's
    /// `epochsRun` counts iterations.
    public func run() throws -> Trainer.Summary {
        let it = iterations
        let optimizer = OptimizerGroups.adamW(
            model.trainableParameters(), lr: it.learningRate, betas: (it.beta1, it.beta2), weightDecay: it.weightDecay)
        self.optimizer = optimizer
        if let steps = start?.optimizerSteps, steps > 0,
            let problem = OptimizerState.restore(optimizer, names: parameterNames(optimizer), steps: steps, from: optimizerStart)
        {
            throw TrainError(description: "--resume: \(problem)")
        }
        var summary = Trainer.Summary(
            bestValidLoss: start?.bestValidLoss ?? .infinity, epochsRun: 0, interrupted: false, diverged: nil,
            trainTokensPerSecond: 0)
        var bestState = bestStart ?? [:]
        var iteration = start?.iteration ?? 0
        var lastEstimate: Int?
        /// nanoGPT's estimate at `iteration`; the best val loss's weights kept and saved.
        func estimate(_ iteration: Int, lr: Float) throws {
            let (trainLoss, validLoss) = profile.measure(.validation) { estimateLosses() }
            lastEstimate = iteration
            reporter?.estimate(iteration, trainLoss: trainLoss, validLoss: validLoss, lr: lr)
            if validLoss < summary.bestValidLoss {
                summary.bestValidLoss = validLoss
                bestState = Dictionary(uniqueKeysWithValues: model.stateDict())
                try onBest?(model, progress(iteration, lr: lr, best: validLoss))
            }
        }
        let tokensPerIteration = blockSize * options.batchSize * it.gradientAccumulationSteps
        var (trainTokens, trainSeconds) = (0, 0.0)
        // Each micro-step draws its batch as it starts (not ahead, as nanoGPT's loop prefetches),
        // so the generator's state where training stops is where a resumed run goes on.
        var stopState = generator.state
        model.train()
        while iteration <= it.maxIters {
            let lr = it.learningRate(at: iteration)
            optimizer.learningRate = lr
            if iteration % it.evalInterval == 0 { try estimate(iteration, lr: lr) }
            let started = Date()
            var value = 0.0
            for _ in 0..<it.gradientAccumulationSteps {
                let batch = profile.measure(.getBatch) { train.batch(generator) }
                let loss = profile.measure(.forward) { self.loss(batch) }
                value = Double(loss.item)
                profile.measure(.backward) { (loss * (1 / Float(it.gradientAccumulationSteps))).backward() }
            }
            guard value.isFinite else {
                summary.diverged = "the training loss became \(value) at iteration \(iteration); lower --learning-rate"
                break
            }
            profile.measure(.optimizer) {
                if it.gradClip > 0 { clipGradNorm(optimizer.parameters, maxNorm: it.gradClip) }
                optimizer.step()
                // The optimizer's list, not the model's: walking the modules by reflection took
                // longer than the AdamW step.
                optimizer.zeroGrad()
            }
            let seconds = Date().timeIntervalSince(started)
            (trainTokens, trainSeconds) = (trainTokens + tokensPerIteration, trainSeconds + seconds)
            if iteration % it.logInterval == 0 {
                reporter?.iteration(
                    iteration, loss: value, milliseconds: seconds * 1000, lr: lr,
                    tokensPerSecond: Double(tokensPerIteration) / seconds)
            }
            iteration += 1
            summary.epochsRun = iteration
            stopState = generator.state
            if Interrupt.requested {
                summary.interrupted = true
                reporter?.notice("Exiting from training early")
                break
            }
        }
        // The last model competes too (nanoGPT estimates it only when max_iters is a multiple of eval_interval).
        if summary.diverged == nil && !summary.interrupted && lastEstimate != iteration {
            try estimate(iteration, lr: optimizer.learningRate)
        }
        let best = summary.bestValidLoss.isFinite ? summary.bestValidLoss : nil
        var last = progress(iteration, lr: optimizer.learningRate, best: best)
        // Before the closing estimate: a resumed run estimates at this iteration first, from here.
        last.random = stopState
        try onLast?(model, last)
        if !bestState.isEmpty { try model.loadStateDict(bestState) }
        summary.trainTokensPerSecond = trainSeconds > 0 ? Double(trainTokens) / trainSeconds : 0
        return summary
    }

    /// nanoGPT's estimate_loss: the mean loss of `evalIters` random batches of each split, in
    /// evaluation mode and without gradients.
    public func estimateLosses() -> (train: Double, valid: Double) {
        model.eval()
        defer { model.train() }
        return withNoGrad {
            func mean(_ windows: RandomWindows) -> Double {
                (0..<iterations.evalIters).reduce(0.0) { sum, _ in sum + Double(loss(windows.batch(generator)).item) }
                    / Double(iterations.evalIters)
            }
            let trainLoss = mean(train)
            return (trainLoss, mean(valid))
        }
    }

    /// The mean cross-entropy of one batch of windows (the decoder and the loss as one op).
    func loss(_ batch: (input: [Int], target: [Int])) -> Tensor {
        let (features, _) = model.features(
            batch.input, seqLen: blockSize, batchSize: options.batchSize, state: model.initialState(batchSize: options.batchSize))
        return model.decoderLoss(features, targets: batch.target)
    }

    func progress(_ iteration: Int, lr: Float, best: Double?) -> TrainingProgress {
        var progress = TrainingProgress(epoch: 0, lr: lr, bestValidLoss: best)
        progress.iteration = iteration
        progress.optimizerSteps = optimizer.flatMap { OptimizerState.adams(of: $0)?.first?.steps }
        return progress
    }
}
