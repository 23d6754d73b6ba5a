import Analysis
import ArgumentParser
import Foundation
import Models
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
    @Option(parsing: .unconditional, help: "Folds for cross-validation when there is no --test.") var folds = 10
    @Option(
        name: [.customLong("max-folds"), .customLong("max_folds")], parsing: .unconditional,
        help: "Run only the first N folds of the cross-validation (default: all).") var maxFolds: Int?
    @Option(parsing: .unconditional, help: "Run only fold K (1-based) of the cross-validation, e.g. one fold per machine.")
    var fold: Int?
    @Option(help: "cnn (Kim 2014) or lstm.") var model: ClassifierKind = .cnn
    @Option(parsing: .unconditional, help: "Upper epoch limit.") var epochs = 10
    @Option(name: [.customLong("batch-size"), .customLong("batch_size")], parsing: .unconditional, help: "Batch size.")
    var batchSize = 50
    @Option(help: "adam or adadelta (Kim 2014: ρ 0.95, ε 1e-6).") var optimizer: ClassifierOptimizer = .adam
    @Option(parsing: .unconditional, help: "Learning rate (default: 1e-3 for Adam, 1 for Adadelta).") var lr: Float?
    @Option(parsing: .unconditional, help: "Dropout before the output layer.") var dropout: Float = 0.5
    @Option(parsing: .unconditional, help: "Size of word vectors (default: 300, or the dimension of --vectors).") var emsize: Int?
    @Option(help: "Pretrained word vectors (.vec) for the words they cover (Kim's CNN-non-static; with --freeze CNN-static).")
    var vectors: String?
    @Flag(help: "Keep the word vectors fixed during training (needs --vectors).") var freeze = false
    @Option(parsing: .unconditional, help: "LSTM hidden units.") var nhid = 150
    @Option(help: "LSTM sentence vector: last or mean.") var pool: SentencePooling = .last
    @Option(
        name: [.customLong("feature-maps"), .customLong("feature_maps")], parsing: .unconditional,
        help: "CNN feature maps per filter width.")
    var featureMaps = 100
    @Option(name: [.customLong("filter-widths"), .customLong("filter_widths")], help: "CNN filter widths, comma-separated.")
    var filterWidths = "3,4,5"
    @Option(
        name: [.customLong("max-norm"), .customLong("max_norm")], parsing: .unconditional,
        help: "Max L2 norm of output weight rows (0 = off).")
    var maxNorm: Float = 3
    @Option(parsing: .unconditional, help: "Epochs without a better dev accuracy before stopping (0 = never).") var patience = 3
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1
    @Option(
        help: ArgumentHelp(
            "Run folder for config.json, metrics.jsonl, model.safetensors, vocab.txt, curves.svg (default: runs/classify, or runs/classify-2, -3, … when that holds a trained model).",
            valueName: "folder"))
    var save: String?
    @Flag(help: "Replace the run already in the --save folder (without it a folder holding a trained model is refused).")
    var overwrite = false

    func run() throws {
        var options = ClassifierOptions()
        (options.epochs, options.batchSize, options.seed, options.patience) = (epochs, batchSize, seed, patience)
        options.optimizer = optimizer
        options.lr = lr ?? (optimizer == .adam ? 1e-3 : 1)
        options.freezeEmbedding = freeze
        if let problem = options.problem() { throw fail(problem) }
        if freeze && vectors == nil { throw fail("--freeze keeps pretrained vectors fixed: it needs --vectors") }
        let pretrained: WordVectors?
        do { pretrained = try vectors.map { path in try WordVectors(contentsOfVecFile: path) } } catch { throw fail("\(error)") }
        if let pretrained, let emsize, emsize != pretrained.dimension {
            throw fail("--emsize \(emsize) does not match the \(pretrained.dimension)-dimensional vectors in \(vectors ?? "")")
        }
        let widths = filterWidths.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !widths.isEmpty, widths.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw fail("--filter-widths must be positive integers separated by commas, got '\(filterWidths)'")
        }
        let trainData: LabelledSentences
        let testData: LabelledSentences?
        let devData: LabelledSentences?
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

        let model = ClassifierConfig(
            kind: self.model, vocabularySize: 0, classCount: labels.count,
            emsize: pretrained?.dimension ?? emsize ?? 300, filterWidths: widths.compactMap { $0 },
            featureMaps: featureMaps, nhid: nhid, pool: pool, dropout: dropout, maxNorm: maxNorm)
        let run = ClassifierRun(
            model: model, options: options, labels: labels,
            initialVectors: pretrained.map { vectors in { vectors.copy(into: $0, vocabulary: $1) } })
        let folder: RunFolder
        do {
            folder = try RunFolder(path: save ?? RunFolder.fresh("runs/classify"), overwrite: overwrite)
            try folder.writeConfig(
                ClassifierRunConfig(
                    train: train, test: test, dev: dev, vectors: vectors,
                    folds: test == nil ? folds : nil, labels: labels, model: model,
                    training: options))
        } catch { throw fail("\(error)") }
        let console = ClassifierConsole(live: isatty(STDOUT_FILENO) != 0)
        Interrupt.install()
        do {
            if let testData {
                _ = try run.run(
                    train: trainData, dev: devData, test: testData, title: test ?? "test", folder: folder, reporter: console)
            } else {
                let selected = fold.map { [$0 - 1] } ?? Array(0..<min(maxFolds ?? folds, folds))
                _ = try CrossValidation(run: run, folds: folds, selected: selected).run(
                    trainData, dev: devData, folder: folder,
                    reporter: console)
            }
        } catch { throw fail("\(error)") }
    }
}
