import ArgumentParser
import Foundation
import Models
import Tensor
import Text
import Train

/// `perplex classify train`: trains on a `label sentence` file and reports test accuracy, either on
/// a test file or by k-fold cross-validation when there is none.
struct ClassifyTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a sentence classifier on a 'label sentence' file.",
        discussion: """
            With --test, trains once (keeping the best dev epoch when --dev is given) and reports the \
            test accuracy, per-class precision/recall/F1 and the confusion matrix. Without --test, \
            runs k-fold cross-validation (--folds) and reports the mean accuracy; the checkpoint is \
            then the last fold's model. Ctrl-C stops training early and keeps the best model.
            """)

    @Option(help: "Training data: one 'label sentence' per line, integer labels.") var train: String
    @Option(help: "Test data (same format). Without it: k-fold cross-validation.") var test: String?
    @Option(help: "Dev data for early stopping (best dev accuracy is kept).") var dev: String?
    @Option(help: "Folds for cross-validation when there is no --test.") var folds = 10
    @Option(name: [.customLong("max-folds"), .customLong("max_folds")],
            help: "Run only the first N folds of the cross-validation (default: all).") var maxFolds: Int?
    @Option(help: "Run only fold K (1-based) of the cross-validation, e.g. one fold per machine.") var fold: Int?
    @Option(help: "cnn (Kim 2014) or lstm.") var model: ClassifierKind = .cnn
    @Option(help: "Upper epoch limit.") var epochs = 10
    @Option(name: [.customLong("batch-size"), .customLong("batch_size")], help: "Batch size.") var batchSize = 50
    @Option(help: "adam or adadelta (Kim 2014: ρ 0.95, ε 1e-6).") var optimizer: ClassifierOptimizer = .adam
    @Option(help: "Learning rate (default: 1e-3 for Adam, 1 for Adadelta).") var lr: Float?
    @Option(help: "Dropout before the output layer.") var dropout: Float = 0.5
    @Option(help: "Size of word vectors (default: 300, or the dimension of --vectors).") var emsize: Int?
    @Option(help: "Pretrained word vectors (.vec) for the words they cover (Kim's CNN-non-static; with --freeze CNN-static).")
    var vectors: String?
    @Flag(help: "Keep the word vectors fixed during training (needs --vectors).") var freeze = false
    @Option(help: "LSTM hidden units.") var nhid = 150
    @Option(help: "LSTM sentence vector: last or mean.") var pool: SentencePooling = .last
    @Option(name: [.customLong("feature-maps"), .customLong("feature_maps")], help: "CNN feature maps per filter width.")
    var featureMaps = 100
    @Option(name: [.customLong("filter-widths"), .customLong("filter_widths")], help: "CNN filter widths, comma-separated.")
    var filterWidths = "3,4,5"
    @Option(name: [.customLong("max-norm"), .customLong("max_norm")], help: "Max L2 norm of output weight rows (0 = off).")
    var maxNorm: Float = 3
    @Option(help: "Epochs without a better dev accuracy before stopping (0 = never).") var patience = 3
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Run folder for config.json, metrics.jsonl, model.safetensors, vocab.txt, curves.svg.")
    var save = "runs/classify"

    func run() throws {
        var options = ClassifierOptions()
        (options.epochs, options.batchSize, options.seed, options.patience) = (epochs, batchSize, seed, patience)
        options.optimizer = optimizer
        options.lr = lr ?? (optimizer == .adam ? 1e-3 : 1)
        options.freezeEmbedding = freeze
        if let problem = options.problem() { throw fail(problem) }
        if freeze && vectors == nil { throw fail("--freeze keeps pretrained vectors fixed: it needs --vectors") }
        let pretrained = try vectors.map(PretrainedVectors.init(path:))
        if let pretrained, let emsize, emsize != pretrained.dimension {
            throw fail("--emsize \(emsize) does not match the \(pretrained.dimension)-dimensional vectors in \(pretrained.path)")
        }
        let widths = filterWidths.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !widths.isEmpty, widths.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw fail("--filter-widths must be positive integers separated by commas, got '\(filterWidths)'")
        }
        let trainData: LabelledSentences, testData: LabelledSentences?, devData: LabelledSentences?
        do {
            trainData = try LabelledSentences(contentsOf: train)
            testData = try test.map { path throws(LabelledSentencesError) in try LabelledSentences(contentsOf: path) }
            devData = try dev.map { path throws(LabelledSentencesError) in try LabelledSentences(contentsOf: path) }
        } catch { throw fail("\(error)") }
        let labels = trainData.labels
        guard labels.count >= 2 else { throw fail("\(train) has only label \(labels[0]); a classifier needs at least 2 labels") }
        if testData == nil {
            guard folds >= 2, folds <= trainData.count else {
                throw fail("--folds must be between 2 and the \(trainData.count) training sentences, got \(folds)")
            }
            if let maxFolds, maxFolds < 1 { throw fail("--max-folds must be at least 1, got \(maxFolds)") }
            if let fold, fold < 1 || fold > folds { throw fail("--fold must be between 1 and --folds \(folds), got \(fold)") }
        }

        let folder: RunFolder
        do { folder = try RunFolder(path: save) } catch { throw fail("\(error)") }
        let reporter = ClassifierReporter(folder: folder)
        let setup = Setup(command: self, options: options, labels: labels, widths: widths.compactMap { $0 }, pretrained: pretrained)
        try setup.writeConfig(folder)
        Interrupt.install()
        if let testData {
            let result = try setup.trainAndTest(train: trainData, dev: devData, test: testData, folder: folder, reporter: reporter)
            reporter.result(result.metrics, title: test ?? "test", extra: ["seconds": result.seconds])
        } else {
            let kfold = KFold(count: trainData.count, folds: folds, seed: seed)
            let runFolds = fold.map { [$0 - 1] } ?? Array(0..<min(maxFolds ?? folds, folds))
            var accuracies: [Double] = []
            let start = Date()
            for i in runFolds {
                let (trainIndices, testIndices) = kfold.split(i)
                reporter.prefix = "fold \(i + 1)/\(folds) | "
                reporter.resetCurves()
                let result = try setup.trainAndTest(train: trainData.subset(trainIndices), dev: devData,
                                                    test: trainData.subset(testIndices), folder: folder, reporter: reporter)
                reporter.prefix = ""
                reporter.result(result.metrics, title: "fold \(i + 1)/\(folds)", extra: ["fold": i + 1, "seconds": result.seconds])
                accuracies.append(result.metrics.accuracy)
                if Interrupt.requested { break }
            }
            let mean = accuracies.reduce(0, +) / Double(accuracies.count)
            let sd = (accuracies.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(accuracies.count - 1, 1))).squareRoot()
            let seconds = Date().timeIntervalSince(start)
            print(String(format: "| cross-validation | %d of %d folds | mean accuracy %.2f%% ± %.2f | %.1fs", accuracies.count, folds,
                         mean * 100, sd * 100, seconds))
            folder.appendMetrics(["type": "cross_validation", "folds": folds, "folds_run": accuracies.count,
                                  "accuracies": accuracies, "mean_accuracy": mean, "sd": sd, "seconds": seconds])
        }
    }

    /// What every training run of one command shares.
    struct Setup {
        let command: ClassifyTrainCommand
        let options: ClassifierOptions
        let labels: [Int]
        let widths: [Int]
        let pretrained: PretrainedVectors?

        func config(vocabularySize: Int) -> ClassifierConfig {
            ClassifierConfig(kind: command.model, vocabularySize: vocabularySize, classCount: labels.count,
                             emsize: pretrained?.dimension ?? command.emsize ?? 300,
                             filterWidths: widths, featureMaps: command.featureMaps, nhid: command.nhid, pool: command.pool,
                             dropout: command.dropout, maxNorm: command.maxNorm)
        }

        func writeConfig(_ folder: RunFolder) throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            struct RunConfig: Encodable {
                let train: String, test: String?, dev: String?, vectors: String?, folds: Int?, labels: [Int]
                let model: ClassifierConfig, training: ClassifierOptions
            }
            let json = try encoder.encode(RunConfig(train: command.train, test: command.test, dev: command.dev, vectors: command.vectors,
                                                    folds: command.test == nil ? command.folds : nil, labels: labels,
                                                    model: config(vocabularySize: 0), training: options))
            try folder.write(String(decoding: json, as: UTF8.self) + "\n", to: folder.config)
        }

        /// Builds the vocabulary from `train`, trains, writes the checkpoint, scores `test`.
        func trainAndTest(train: LabelledSentences, dev: LabelledSentences?, test: LabelledSentences, folder: RunFolder,
                          reporter: ClassifierReporter) throws -> (metrics: ClassificationMetrics, seconds: Double) {
            let vocabulary = ClassificationVocabulary.build(from: train)
            let encodedTrain: EncodedSentences, encodedDev: EncodedSentences?, encodedTest: EncodedSentences
            do {
                encodedTrain = try EncodedSentences(train, vocabulary: vocabulary, labels: labels)
                encodedDev = try dev.map { d throws(LabelledSentencesError) in try EncodedSentences(d, vocabulary: vocabulary, labels: labels) }
                encodedTest = try EncodedSentences(test, vocabulary: vocabulary, labels: labels)
            } catch { throw fail("\(error)") }
            RandomGenerator.global.seed(options.seed)
            let classifier: any SentenceClassifier
            do { classifier = try makeSentenceClassifier(config(vocabularySize: vocabulary.count)) } catch { throw fail("\(error)") }
            if let pretrained {
                let found = pretrained.copy(into: classifier, vocabulary: vocabulary)
                reporter.notice(String(format: "pretrained vectors for %d of %d words (%.1f%%)%@", found, vocabulary.count - 2,
                                       100 * Double(found) / Double(max(vocabulary.count - 2, 1)), options.freezeEmbedding ? ", frozen" : ""))
            }
            if options.freezeEmbedding { classifier.embedding.weight.requiresGrad = false }
            try folder.write(vocabulary.words.joined(separator: "\n") + "\n", to: folder.vocabulary)
            reporter.notice("\(command.model.rawValue) classifier: \(classifier.parameterCount) parameters, vocabulary \(vocabulary.count), "
                            + "\(labels.count) classes, \(encodedTrain.count) training sentences")
            let trainer: ClassifierTrainer
            do {
                trainer = try ClassifierTrainer(model: classifier, train: encodedTrain, dev: encodedDev, options: options,
                                                reporter: reporter) { best in
                    try ClassifierCheckpoint.save(best, vocabulary: vocabulary, labels: labels, to: folder.model)
                }
            } catch { throw fail("\(error)") }
            let summary = try trainer.run()
            if let diverged = summary.diverged { throw fail(diverged) }
            if let best = summary.bestDevAccuracy {
                reporter.notice(String(format: "best dev accuracy %.2f%% at epoch %d of %d", best * 100, summary.bestEpoch, summary.epochsRun))
            }
            let names = labels.map(String.init)
            let metrics = ClassificationMetrics(names: names, truth: encodedTest.classes, predicted: predictClasses(classifier, on: encodedTest))
            return (metrics, summary.seconds)
        }
    }
}
