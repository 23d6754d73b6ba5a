import Foundation
import Models
import NN
import Tensor
import Text

/// The word-LM recipe's training loop: truncated BPTT with the state detached between windows,
/// plain SGD with gradient-norm clipping, the learning rate divided by 4 whenever the validation
/// loss does not improve, and the best model (by validation loss) kept. With `options.optimizer`
/// `.adamW` (the recipe's `--use-optimizer`) AdamW takes the clipped gradients instead, at a
/// constant learning rate, as the recipe's loop does.
///
/// Data-parallel over the ranks of a `Communicator`: `options.batchSize` is the batch of one rank;
/// the training stream is batchified into size × batchSize columns and rank r trains on columns
/// r·batchSize..<(r+1)·batchSize, its gradients averaged with the others' before each update
/// (so N ranks with batch b take the steps one process takes with batch N·b). Validation splits
/// the evaluation columns across ranks. Only rank 0 reports and calls `onBest`.
///
/// With `options.excludeFrequent` the loss of an epoch in one of its stages leaves out the targets
/// among that stage's most frequent training words (ignored targets: the windows, the carried
/// state and the inputs stay as they are) and is the mean over the targets that count, over every
/// rank's columns; a batch with none to count takes no step. Validation scores every target.
public final class Trainer {
    public struct Summary: Sendable {
        public var bestValidLoss: Double
        public var epochsRun: Int
        public var interrupted: Bool
        /// Set when training stopped on a NaN or infinite loss.
        public var diverged: String?
        public var trainTokensPerSecond: Double
        /// Tokens per second of the validation passes (the recipe's evaluate, batch `evalBatchSize`).
        public var validTokensPerSecond: Double = 0
        /// Mean seconds per step spent averaging gradients across ranks after backward (0 for one
        /// process; with overlap only what backward did not hide).
        public var allReduceSecondsPerStep: Double = 0
        /// Bytes this rank sent into the gradient exchange of the last step, and the steps whose
        /// embedding gradients travelled as rows (`GradientExchange`).
        public var gradientBytesLastStep = 0
        public var sparseEmbeddingSteps = 0
    }

    public let model: any LanguageModel
    public let options: TrainOptions
    /// This rank's columns of the training stream, and the whole validation stream.
    let train: BatchedStream, valid: BatchedStream
    let communicator: any Communicator
    let start: TrainingProgress?
    /// Told every batch, log interval, epoch end and notice.
    public var reporter: TrainingReporter?
    /// Called on rank 0 with the model whenever the validation loss improves (to write the checkpoint).
    let onBest: ((any LanguageModel, TrainingProgress) throws -> Void)?
    /// Called on rank 0 with the model and where training stands after every epoch and when
    /// training stops early (to write the state a resumed run goes on from).
    public var onLast: ((any LanguageModel, TrainingProgress) throws -> Void)?
    /// Called on every rank after each optimizer step with the number of steps so far (tests
    /// use it to make a rank fail mid-run).
    public var afterStep: ((Int) -> Void)?
    /// When set, wall time per stage is added to it.
    public var profile: StageProfile?
    private(set) var bestState: [String: Tensor] = [:]
    /// The optimizer state a resumed run goes on with (`OptimizerState` names).
    let optimizerStart: [String: Tensor]
    /// The optimizer of the run in progress (nil before `run()`).
    public private(set) var optimizer: (any Optimizer)?
    /// `options.excludeFrequent` over the training text (nil without it).
    let excludedTargets: ExcludedTargets?

    /// `start`: the progress of a resumed run: training goes on from its epoch and batch with its
    /// learning rate and best validation loss. `best`: the weights of the best model so far (kept
    /// unless validation improves on its loss; default: the model's own). `optimizerState`: the
    /// optimizer's state when `start` was saved (`optimizerState()`'s tensors; AdamW's moments).
    public init(
        model: any LanguageModel, corpus: Corpus, options: TrainOptions,
        communicator: any Communicator = SingleProcess(), start: TrainingProgress? = nil, best: [String: Tensor]? = nil,
        optimizerState: [String: Tensor] = [:], reporter: TrainingReporter? = nil, profile: StageProfile? = nil,
        onBest: ((any LanguageModel, TrainingProgress) throws -> Void)? = nil
    ) throws(TrainError) {
        if let problem = options.problem() { throw TrainError(description: problem) }
        if let start, start.epoch >= options.epochs {
            throw TrainError(
                description:
                    "the checkpoint has already been trained for \(start.epoch) epochs; raise --epochs above \(start.epoch) to go on"
            )
        }
        self.model = model
        self.options = options
        self.profile = profile
        self.communicator = communicator
        self.start = start
        optimizerStart = optimizerState
        let columns = options.batchSize * communicator.size
        let (all, valid) = profile.measure(.batchify) {
            (BatchedStream(corpus.train, batchSize: columns), BatchedStream(corpus.valid, batchSize: options.evalBatchSize))
        }
        guard all.rows >= 2 else {
            throw TrainError(
                description:
                    "the training text has \(corpus.train.count) tokens, too few for one batch of \(columns) columns (need \(2 * columns))"
            )
        }
        self.valid = valid
        train = all.columns(communicator.rank * options.batchSize..<(communicator.rank + 1) * options.batchSize)
        guard valid.rows >= 2 else {
            throw TrainError(
                description:
                    "the validation text has \(corpus.valid.count) tokens, too few for one evaluation batch (need \(2 * options.evalBatchSize))"
            )
        }
        excludedTargets = try options.excludeFrequent.map { curriculum throws(TrainError) in
            try ExcludedTargets(curriculum, corpus: corpus)
        }
        self.reporter = reporter
        self.onBest = onBest
        if start != nil { bestState = best ?? Dictionary(uniqueKeysWithValues: model.stateDict()) }
    }

    /// The number of batches (optimizer steps) epoch `epoch` (1-based) trains on: its BPTT windows
    /// (fewer with `--max-batches`, one with `--dry-run`). With a curriculum it differs per epoch.
    public func batchCount(epoch: Int) -> Int {
        batchCount(
            windows: trainingWindows(rows: train.rows, bptt: options.bptt, epoch: epoch, curriculum: options.curriculum).count)
    }

    func batchCount(windows: Int) -> Int {
        options.dryRun ? 1 : options.maxBatches > 0 ? Swift.min(options.maxBatches, windows) : windows
    }

    /// Trains for `options.epochs` epochs or until interrupted (Ctrl-C) or diverged, then restores
    /// the best weights into the model.
    public func run() throws -> Summary {
        let choice = options.optimizer ?? .sgd
        let optimizer = choice.make(model.trainableParameters(), lr: start?.lr ?? options.lr)
        self.optimizer = optimizer
        if let steps = start?.optimizerSteps, steps > 0,
            let problem = OptimizerState.restore(optimizer, names: parameterNames, steps: steps, from: optimizerStart)
        {
            throw TrainError(description: "--resume: \(problem)")
        }
        // AdamW keeps its learning rate: the recipe divides only its SGD's.
        var plateau = DivideOnPlateau(factor: 4, patience: choice.annealsOnPlateau ? 0 : .max)
        var summary = Summary(bestValidLoss: .infinity, epochsRun: 0, interrupted: false, diverged: nil, trainTokensPerSecond: 0)
        if let start {
            // The best model's loss is the one to beat.
            if let best = start.bestValidLoss {
                plateau.step(validationLoss: Float(best), optimizer)
                summary.bestValidLoss = best
            }
            summary.epochsRun = start.epoch
        }
        var done = start?.batch ?? 0
        let ranks = communicator.size
        let exchange = options.exchange ?? GradientExchange()
        let averager = GradientAverager(
            optimizer.parameters, communicator: communicator,
            sparseRows: exchange.sparseEmbedding ? model.embeddingWeights : [], overlap: exchange.overlap)
        let leafDone = ranks > 1 && exchange.overlap ? averager.parameterDone : nil
        var steps = 0
        var trainTokens = 0
        var trainSeconds = 0.0
        var validSeconds = 0.0
        var validTokens = 0
        epochs: for epoch in (start?.epoch ?? 0) + 1...options.epochs {
            let windows = trainingWindows(rows: train.rows, bptt: options.bptt, epoch: epoch, curriculum: options.curriculum)
            let batches = batchCount(windows: windows.count)
            let excluded = excludedTargets?.table(epoch: epoch)
            if let excludedTargets {
                if let notice = excludedTargets.notice(epoch: epoch, firstOfRun: epoch == (self.start?.epoch ?? 0) + 1) {
                    reporter?.notice(notice)
                }
                reporter?.excludedTargets(epoch: epoch, mostFrequent: excludedTargets.curriculum.mostFrequent(epoch: epoch))
            }
            model.train()
            let start = Date()
            var state = model.initialState(batchSize: options.batchSize)
            var intervalLoss = 0.0
            var intervalStart = Date()
            var epochLoss = 0.0
            // Batches whose every target was left out (`--exclude-frequent`): no step, not in the means.
            var (unscored, intervalUnscored) = (0, 0)
            var tokens = 0
            let skipped = Swift.min(done, batches)
            done = 0
            for (batch, window) in windows.prefix(batches).enumerated().dropFirst(skipped) {
                let (input, target, seqLen) = profile.measure(.getBatch) { train.batch(at: window.start, bptt: window.length) }
                state = state.detached()
                // The optimizer's list (every trainable parameter): the model's is walked by reflection.
                optimizer.zeroGrad()
                let scored = scoredTargets(target, excluded: excluded)
                let loss = profile.measure(.forward) {
                    let (features, next) = model.features(input, seqLen: seqLen, batchSize: options.batchSize, state: state)
                    state = next
                    // The decoder and the loss as one op: the logits never get a buffer of their own.
                    let loss = model.decoderLoss(
                        features, targets: scored.targets, ignoreIndex: FrequentTargetCurriculum.ignoredTarget)
                    return scored.factor == 1 ? loss : loss * scored.factor
                }
                var value = Double(loss.item)
                // With overlap, buckets of finished gradients travel while backward goes on.
                profile.measure(.backward) { loss.backward(leafDone: leafDone) }
                // Every rank must take the same branch: the loss and the stop request are agreed on
                // with the gradients (the mean loss over ranks is the global batch's loss).
                var stop = Interrupt.requested
                if ranks > 1 {
                    profile.measure(.allReduce) { averager.average() }
                    let agreed = communicator.allReduceSum([value, stop ? 1 : 0])
                    (value, stop) = (agreed[0] / Double(ranks), agreed[1] > 0)
                }
                guard value.isFinite else {
                    summary.diverged =
                        "the training loss became \(value) at epoch \(epoch), batch \(batch + 1); lower --lr or --clip"
                    break epochs
                }
                if scored.counts {
                    profile.measure(.optimizer) {
                        clipGradNorm(optimizer.parameters, maxNorm: options.clip)
                        optimizer.step()
                    }
                    steps += 1
                    afterStep?(steps)
                    intervalLoss += value
                    epochLoss += value
                } else {
                    (unscored, intervalUnscored) = (unscored + 1, intervalUnscored + 1)
                }
                tokens += seqLen * options.batchSize * ranks
                let elapsed = Date().timeIntervalSince(start)
                reporter?.batchDone(
                    epoch: epoch, batch: batch + 1, batches: batches, tokensPerSecond: Double(tokens) / elapsed,
                    secondsLeft: elapsed / Double(batch + 1) * Double(batches - batch - 1))
                if (batch + 1) % options.logInterval == 0 {
                    let ms = Date().timeIntervalSince(intervalStart) * 1000 / Double(options.logInterval)
                    reporter?.log(
                        epoch: epoch, batch: batch + 1, batches: batches, lr: optimizer.learningRate,
                        msPerBatch: ms, loss: intervalLoss / Double(Swift.max(1, options.logInterval - intervalUnscored)))
                    (intervalLoss, intervalUnscored) = (0, 0)
                    intervalStart = Date()
                }
                if stop {
                    summary.interrupted = true
                    done = batch + 1
                    break
                }
            }
            let seconds = Date().timeIntervalSince(start)
            trainTokens += tokens
            trainSeconds += seconds
            if summary.interrupted {
                reporter?.notice("Exiting from training early")
                if communicator.isRoot {
                    let best = summary.bestValidLoss.isFinite ? summary.bestValidLoss : nil
                    try onLast?(model, progress(epoch: epoch - 1, bestValidLoss: best, batch: done))
                }
                break
            }
            let validStart = Date()
            let validation = profile.measure(.validation) {
                evaluate(model, on: valid, bptt: options.bptt, communicator: communicator)
            }
            let validLoss = validation.loss
            validSeconds += Date().timeIntervalSince(validStart)
            validTokens += (valid.rows - 1) * valid.batchSize
            summary.epochsRun = epoch
            let lr = optimizer.learningRate
            let batchesRun = Swift.max(1, Swift.min(batches, windows.count) - unscored)
            reporter?.epochEnd(
                epoch: epoch, seconds: seconds, trainLoss: epochLoss / Double(batchesRun), validLoss: validLoss,
                validAccuracy: validation.accuracy, lr: lr, tokensPerSecond: Double(tokens) / seconds)
            if plateau.step(validationLoss: Float(validLoss), optimizer) {
                summary.bestValidLoss = validLoss
                bestState = Dictionary(uniqueKeysWithValues: model.stateDict())
                if communicator.isRoot {
                    try onBest?(model, progress(epoch: epoch, bestValidLoss: validLoss))
                }
            } else if choice.annealsOnPlateau {
                reporter?.notice(String(format: "validation loss did not improve: lr %.4g → %.4g", lr, optimizer.learningRate))
            } else {
                reporter?.notice(String(format: "validation loss did not improve (AdamW keeps lr %.4g)", lr))
            }
            if communicator.isRoot {
                let best = summary.bestValidLoss.isFinite ? summary.bestValidLoss : nil
                try onLast?(model, progress(epoch: epoch, bestValidLoss: best))
            }
            if communicator.any(Interrupt.requested) {
                summary.interrupted = true
                reporter?.notice("Exiting from training early")
                break
            }
        }
        if !bestState.isEmpty { try model.loadStateDict(bestState) }
        summary.trainTokensPerSecond = trainSeconds > 0 ? Double(trainTokens) / trainSeconds : 0
        summary.validTokensPerSecond = validSeconds > 0 ? Double(validTokens) / validSeconds : 0
        summary.allReduceSecondsPerStep = averager.calls > 0 ? averager.seconds / Double(averager.calls) : 0
        (summary.gradientBytesLastStep, summary.sparseEmbeddingSteps) = (averager.lastStepBytes, averager.sparseSteps)
        return summary
    }

    /// The names of the parameters the optimizer updates, in its order.
    var parameterNames: [String] { model.namedParameters().filter { $0.1.requiresGrad }.map(\.0) }

    /// The optimizer's state as named tensors for a checkpoint (AdamW's moments; none for SGD or
    /// before `run()`); `Trainer(optimizerState:)` of a resumed run takes them back.
    public func optimizerState() -> [(name: String, tensor: Tensor)] {
        guard let optimizer else { return [] }
        return OptimizerState.save(optimizer, names: parameterNames).tensors
    }

    /// Where training stands, for a checkpoint: the progress plus the optimizer and its step count.
    func progress(epoch: Int, bestValidLoss: Double?, batch: Int? = nil) -> TrainingProgress {
        var progress = TrainingProgress(
            epoch: epoch, lr: optimizer?.learningRate ?? options.lr, bestValidLoss: bestValidLoss, batch: batch)
        progress.excludeFrequent = options.excludeFrequent
        if let optimizer, let choice = options.optimizer, choice != .sgd {
            progress.optimizer = choice
            progress.optimizerSteps = (optimizer as? Adam)?.steps
        }
        return progress
    }
}

/// A problem with training options or data; one line.
public struct TrainError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}
