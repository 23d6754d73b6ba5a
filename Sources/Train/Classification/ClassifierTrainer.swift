import Foundation
import Models
import NN
import Tensor
import Text

/// Mini-batch training of a sentence classifier as Kim (2014): shuffled batches of 50,
/// cross-entropy, one optimizer step per batch followed by the max-norm constraint, and (with a
/// dev set) the model with the best dev accuracy kept and training stopped after `patience`
/// epochs without improvement. Adam (default) or Kim's Adadelta.
public final class ClassifierTrainer {
    public struct Summary: Sendable {
        /// Best dev accuracy (nil without a dev set).
        public var bestDevAccuracy: Double?
        public var bestEpoch: Int
        public var epochsRun: Int
        public var interrupted: Bool
        /// Set when training stopped on a NaN or infinite loss.
        public var diverged: String?
        public var seconds: Double
    }

    public let model: any SentenceClassifier
    public let options: ClassifierOptions
    let train: EncodedSentences, dev: EncodedSentences?
    let reporter: (any ClassifierTrainingReporter)?
    /// Called whenever the kept model changes (a better dev accuracy, or every epoch without dev).
    let onBest: ((any SentenceClassifier) throws -> Void)?

    public init(
        model: any SentenceClassifier, train: EncodedSentences, dev: EncodedSentences?, options: ClassifierOptions,
        reporter: (any ClassifierTrainingReporter)? = nil, onBest: ((any SentenceClassifier) throws -> Void)? = nil
    ) throws(TrainError) {
        if let problem = options.problem() { throw TrainError(description: problem) }
        guard train.count > 0 else { throw TrainError(description: "no training sentences") }
        self.model = model
        self.options = options
        self.train = train
        self.dev = dev.flatMap { $0.count > 0 ? $0 : nil }
        self.reporter = reporter
        self.onBest = onBest
    }

    public func run() throws -> Summary {
        let start = Date()
        var shuffler = RandomGenerator(seed: options.seed &+ 0x5EED)
        let optimizer: Optimizer =
            switch options.optimizer {
            case .adam: Adam(model.trainableParameters(), lr: options.lr)
            case .adadelta: Adadelta(model.trainableParameters(), lr: options.lr, rho: 0.95, epsilon: 1e-6)
            }
        model.constrain()
        var summary = Summary(bestDevAccuracy: nil, bestEpoch: 0, epochsRun: 0, interrupted: false, diverged: nil, seconds: 0)
        var bestState: [String: Tensor] = [:]
        var sinceBest = 0
        epochs: for epoch in 1...options.epochs {
            model.train()
            let epochStart = Date()
            var order = Array(0..<train.count)
            order.shuffle(using: &shuffler)
            let batches = sentenceBatches(
                train, order: order, batchSize: options.batchSize, minimumLength: model.config.minimumLength)
            var lossSum = 0.0
            var correct = 0
            for (b, batch) in batches.enumerated() {
                optimizer.zeroGrad()
                let logits = model(batch.ids, batchSize: batch.batchSize, length: batch.length, lengths: batch.lengths)
                let loss = Tensor.crossEntropy(logits: logits, targets: batch.classes)
                let value = Double(loss.item)
                guard value.isFinite else {
                    summary.diverged = "the training loss became \(value) at epoch \(epoch), batch \(b + 1); lower --lr"
                    break epochs
                }
                correct += Self.correctCount(logits, batch.classes)
                loss.backward()
                optimizer.step()
                model.constrain()
                lossSum += value * Double(batch.batchSize)
                let elapsed = Date().timeIntervalSince(epochStart)
                reporter?.batchDone(
                    epoch: epoch, batch: b + 1, batches: batches.count,
                    secondsLeft: elapsed / Double(b + 1) * Double(batches.count - b - 1))
                if Interrupt.requested {
                    summary.interrupted = true
                    break
                }
            }
            if summary.interrupted {
                reporter?.notice("Exiting from training early")
                break
            }
            summary.epochsRun = epoch
            let devAccuracy = dev.map { classificationAccuracy(model, on: $0) }
            reporter?.epochEnd(
                epoch: epoch, seconds: Date().timeIntervalSince(epochStart), trainLoss: lossSum / Double(train.count),
                trainAccuracy: Double(correct) / Double(train.count), devAccuracy: devAccuracy)
            if let devAccuracy {
                if devAccuracy > (summary.bestDevAccuracy ?? -1) {
                    summary.bestDevAccuracy = devAccuracy
                    summary.bestEpoch = epoch
                    bestState = Dictionary(uniqueKeysWithValues: model.stateDict())
                    sinceBest = 0
                    try onBest?(model)
                } else {
                    sinceBest += 1
                    if options.patience > 0 && sinceBest >= options.patience {
                        reporter?.notice("dev accuracy has not improved for \(sinceBest) epochs: stopping")
                        break
                    }
                }
            } else {
                summary.bestEpoch = epoch
                try onBest?(model)
            }
        }
        if !bestState.isEmpty { try model.loadStateDict(bestState) }
        model.eval()
        summary.seconds = Date().timeIntervalSince(start)
        return summary
    }

    static func correctCount(_ logits: Tensor, _ classes: [Int]) -> Int {
        let k = logits.shape[1]
        var correct = 0
        for (b, c) in classes.enumerated() {
            let row = logits.pointer + b * k
            var best = 0
            for j in 1..<k where row[j] > row[best] { best = j }
            if best == c { correct += 1 }
        }
        return correct
    }
}

/// Share of `data` that `model` classifies correctly.
public func classificationAccuracy(_ model: any SentenceClassifier, on data: EncodedSentences) -> Double {
    let predicted = predictClasses(model, on: data)
    return Double(zip(predicted, data.classes).filter { $0 == $1 }.count) / Double(max(data.count, 1))
}
