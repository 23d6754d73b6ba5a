import Foundation
import Models
import Tensor
import Text

/// One classifier training as a library call: builds the vocabulary from the training sentences,
/// trains (keeping the best dev epoch), writes the checkpoint and vocab.txt in the run folder, and
/// scores the test sentences. `CrossValidation` runs it once per fold.
public struct ClassifierRun {
    /// The model's shape; the vocabulary size and class count come from the data.
    public var model: ClassifierConfig
    public var options: ClassifierOptions
    /// The labels as written in the data, in class-index order.
    public var labels: [Int]
    /// Sets the embedding rows of words it knows (pretrained vectors) and returns how many it set.
    public var initialVectors: ((any SentenceClassifier, Vocabulary) -> Int)?

    public init(
        model: ClassifierConfig, options: ClassifierOptions, labels: [Int],
        initialVectors: ((any SentenceClassifier, Vocabulary) -> Int)? = nil
    ) {
        (self.model, self.options, self.labels, self.initialVectors) = (model, options, labels, initialVectors)
    }

    /// The test scores and the training's wall time.
    public struct Result {
        public let model: any SentenceClassifier
        public let metrics: ClassificationMetrics
        public let seconds: Double
    }

    /// Trains on `train` (with `dev` for early stopping) and scores `test`; the best model is
    /// written to `folder` (nil: nothing is written).
    public func run(
        train: LabelledSentences, dev: LabelledSentences?, test: LabelledSentences, folder: RunFolder?,
        reporter: (any ClassifierTrainingReporter)? = nil
    ) throws(TrainError) -> Result {
        let vocabulary = ClassificationVocabulary.build(from: train)
        let encodedTrain: EncodedSentences
        let encodedDev: EncodedSentences?
        let encodedTest: EncodedSentences
        do {
            encodedTrain = try EncodedSentences(train, vocabulary: vocabulary, labels: labels)
            encodedDev = try dev.map { d throws(LabelledSentencesError) in
                try EncodedSentences(d, vocabulary: vocabulary, labels: labels)
            }
            encodedTest = try EncodedSentences(test, vocabulary: vocabulary, labels: labels)
        } catch { throw TrainError(description: "\(error)") }
        RandomGenerator.global.seed(options.seed)
        var config = model
        (config.vocabularySize, config.classCount) = (vocabulary.count, labels.count)
        let classifier: any SentenceClassifier
        do { classifier = try makeSentenceClassifier(config) } catch { throw TrainError(description: "\(error)") }
        if let initialVectors {
            let found = initialVectors(classifier, vocabulary)
            let words = vocabulary.count - 2
            reporter?.notice(
                String(
                    format: "pretrained vectors for %d of %d words (%.1f%%)%@", found, words,
                    100 * Double(found) / Double(max(words, 1)), options.freezeEmbedding ? ", frozen" : ""))
        }
        if options.freezeEmbedding { classifier.embedding.freeze() }
        if let folder {
            do { try folder.write(vocabulary.words.joined(separator: "\n") + "\n", to: folder.vocabulary) } catch {
                throw TrainError(description: "cannot write \(folder.vocabulary.path): \(error.localizedDescription)")
            }
        }
        reporter?.notice(
            "\(config.kind.rawValue) classifier: \(classifier.parameterCount) parameters, vocabulary \(vocabulary.count), "
                + "\(labels.count) classes, \(encodedTrain.count) training sentences")
        let names = labels
        let trainer = try ClassifierTrainer(
            model: classifier, train: encodedTrain, dev: encodedDev, options: options,
            reporter: reporter
        ) { best in
            if let folder { try ClassifierCheckpoint.save(best, vocabulary: vocabulary, labels: names, to: folder.model) }
        }
        let summary: ClassifierTrainer.Summary
        do { summary = try trainer.run() } catch let error as TrainError { throw error } catch {
            throw TrainError(description: "\(error)")
        }
        if let diverged = summary.diverged { throw TrainError(description: diverged) }
        if let best = summary.bestDevAccuracy {
            reporter?.notice(
                String(format: "best dev accuracy %.2f%% at epoch %d of %d", best * 100, summary.bestEpoch, summary.epochsRun))
        }
        let metrics = ClassificationMetrics(
            names: labels.map(String.init), truth: encodedTest.classes,
            predicted: predictClasses(classifier, on: encodedTest))
        return Result(model: classifier, metrics: metrics, seconds: summary.seconds)
    }
}

/// k-fold cross-validation of a classifier run (for data sets without a test file, as Kim 2014):
/// seeded folds, one training per fold, the mean accuracy and its standard deviation.
public struct CrossValidation {
    public var run: ClassifierRun
    public var folds: Int
    /// The folds to run (0-based; default all).
    public var selected: [Int]

    public init(run: ClassifierRun, folds: Int, selected: [Int]? = nil) {
        self.run = run
        self.folds = folds
        self.selected = selected ?? Array(0..<folds)
    }

    public struct Result: Sendable {
        public let folds: Int
        /// Test accuracy of each fold run, in order.
        public let accuracies: [Double]
        public let seconds: Double
        public var mean: Double { accuracies.reduce(0, +) / Double(max(accuracies.count, 1)) }
        /// Sample standard deviation (n − 1).
        public var standardDeviation: Double {
            let m = mean
            return (accuracies.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(max(accuracies.count - 1, 1))).squareRoot()
        }
    }

    /// Trains and tests every selected fold of `data` (stopping after the fold Ctrl-C interrupts);
    /// the run folder's checkpoint is the last fold's model.
    public func run(
        _ data: LabelledSentences, dev: LabelledSentences?, folder: RunFolder?,
        reporter: (any ClassifierTrainingReporter)? = nil
    ) throws(TrainError) -> Result {
        guard folds >= 2, folds <= data.count else {
            throw TrainError(description: "--folds must be between 2 and the \(data.count) training sentences, got \(folds)")
        }
        let report = ClassifierReporterGroup([reporter, folder.map(ClassifierRecorder.init)].compactMap { $0 })
        let kfold = KFold(count: data.count, folds: folds, seed: run.options.seed)
        let start = Date()
        var accuracies: [Double] = []
        for i in selected {
            let (trainIndices, testIndices) = kfold.split(i)
            report.begin("fold \(i + 1)/\(folds)")
            let result = try run.run(
                train: data.subset(trainIndices), dev: dev, test: data.subset(testIndices), folder: folder,
                reporter: report)
            report.begin(nil)
            report.result(result.metrics, title: "fold \(i + 1)/\(folds)", extra: ["fold": i + 1, "seconds": result.seconds])
            accuracies.append(result.metrics.accuracy)
            if Interrupt.requested { break }
        }
        let result = Result(folds: folds, accuracies: accuracies, seconds: Date().timeIntervalSince(start))
        report.crossValidation(result)
        return result
    }
}

extension ClassifierRun {
    /// One training on `train` scored on `test`, recorded in `folder` and told to `reporter`.
    public func run(
        train: LabelledSentences, dev: LabelledSentences?, test: LabelledSentences, title: String, folder: RunFolder?,
        reporter: (any ClassifierTrainingReporter)?
    ) throws(TrainError) -> Result {
        let report = ClassifierReporterGroup([reporter, folder.map(ClassifierRecorder.init)].compactMap { $0 })
        let result = try run(train: train, dev: dev, test: test, folder: folder, reporter: report)
        report.result(result.metrics, title: title, extra: ["seconds": result.seconds])
        return result
    }
}
