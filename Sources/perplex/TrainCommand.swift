import ArgumentParser
import Foundation
import Models
import Tensor
import Text
import Train

/// `perplex train`: the word-level LM recipe (PyTorch's word_language_model main.py).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a word-level language model (the PyTorch word_language_model recipe).",
        discussion: """
            Without --data, trains on a built-in corpus generated from a small probabilistic grammar
            and prints the corpus' floor perplexity beside the model's. Ctrl-C stops training early,
            keeps the best model and still reports the test perplexity.
            """)

    @Option(help: "Folder with train.txt, valid.txt and test.txt (default: the built-in corpus).")
    var data: String?
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Initial learning rate.") var lr: Float = 20
    @Option(help: "Gradient clipping (max global norm).") var clip: Float = 0.25
    @Option(help: "Upper epoch limit.") var epochs = 40
    @Option(name: [.customLong("batch-size"), .customLong("batch_size")], help: "Batch size.") var batchSize = 20
    @Option(help: "Sequence length (truncated BPTT).") var bptt = 35
    @Option(help: "Dropout applied to layers (0 = no dropout).") var dropout: Float = 0.2
    @Option(help: "Random seed.") var seed: UInt64 = 1111
    @Option(name: [.customLong("log-interval"), .customLong("log_interval")], help: "Report interval (batches).")
    var logInterval = 200
    @Option(help: "Run folder for config.json, metrics.jsonl, model.safetensors, vocab.txt, curves.svg.")
    var save = "runs/last"
    @Flag(name: [.customLong("dry-run"), .customLong("dry_run")], help: "Run one batch per epoch (a quick check).")
    var dryRun = false
    @Flag(help: "End with the share of time per stage (batchify, get batch, forward, backward, optimizer, validation, test).")
    var profile = false
    @Option(name: [.customLong("max-batches"), .customLong("max_batches")],
            help: "Stop each epoch after this many batches (0: whole epochs); for timing runs.")
    var maxBatches = 0
    @Flag(help: "Short sequences first: the BPTT window grows from --curriculum-start steps to --bptt over the first --curriculum-epochs epochs.")
    var curriculum = false
    @Option(name: [.customLong("curriculum-start"), .customLong("curriculum_start")],
            help: "Window length the curriculum starts from (default 5, at most --bptt).")
    var curriculumStart: Int?
    @Option(name: [.customLong("curriculum-epochs"), .customLong("curriculum_epochs")],
            help: "Epochs over which the curriculum's window grows to --bptt (default 1).")
    var curriculumEpochs: Int?
    @Option(name: [.customLong("builtin-sentences"), .customLong("builtin_sentences")],
            help: "Training sentences of the built-in corpus (valid and test get a tenth each).")
    var builtinSentences = 6000

    func run() throws {
        var options = TrainOptions()
        (options.lr, options.clip, options.epochs, options.batchSize) = (lr, clip, epochs, batchSize)
        (options.bptt, options.seed, options.logInterval, options.dryRun) = (bptt, seed, logInterval, dryRun)
        options.maxBatches = maxBatches
        if curriculum {
            options.curriculum = Curriculum(start: curriculumStart ?? Swift.min(5, bptt), epochs: curriculumEpochs ?? 1)
        } else if curriculumStart != nil || curriculumEpochs != nil {
            throw fail("--curriculum-start and --curriculum-epochs need --curriculum")
        }
        if let problem = options.problem() { throw fail(problem) }
        guard builtinSentences > 0 else { throw fail("--builtin-sentences must be positive") }
        // Flags that do not fit the model kind fail before any data is read.
        _ = try modelOptions.config(vocabularySize: 1, dropout: dropout, characters: (1, 0))

        let corpus: Corpus, floor: Double?
        if let data {
            do { corpus = try Corpus(directory: data) } catch { throw fail("\(error)") }
            floor = nil
        } else {
            let builtIn = BuiltInCorpus.make(train: builtinSentences, valid: max(1, builtinSentences / 10),
                                             test: max(1, builtinSentences / 10), seed: seed)
            corpus = builtIn.corpus
            floor = builtIn.test.floorPerplexity
            print(String(format: "| built-in corpus: %d/%d/%d tokens, %d words, floor perplexity %.2f (test)",
                         corpus.train.count, corpus.valid.count, corpus.test.count, corpus.vocabulary.count, builtIn.test.floorPerplexity))
        }

        RandomGenerator.global.seed(seed)
        let words = corpus.vocabulary.words
        let characters = CharacterVocabulary(words: words)
        let config = try modelOptions.config(vocabularySize: words.count, dropout: dropout,
                                             characters: (characters.count, characters.wordLength))
        let lm: any LanguageModel
        do { lm = try makeLanguageModel(config, words: words) } catch { throw fail("\(error)") }
        let folder: RunFolder
        do { folder = try RunFolder(path: save) } catch { throw fail("\(error)") }
        try writeRunFiles(folder, config: config, options: options, corpus: corpus)
        print("| \(config.kind.rawValue) model: \(lm.parameterCount) parameters, vocabulary \(corpus.vocabulary.count), run folder \(folder.url.path)")

        let reporter = RunReporter(folder: folder)
        let stages = profile ? StageProfile() : nil
        let trainer: Trainer
        do {
            trainer = try Trainer(model: lm, corpus: corpus, options: options, reporter: reporter, profile: stages) { best in
                try Checkpoint.save(best, vocabulary: corpus.vocabulary, to: folder.model)
            }
        } catch { throw fail("\(error)") }
        guard corpus.test.count >= 2 * options.evalBatchSize else {
            throw fail("the test text has \(corpus.test.count) tokens, too few for one evaluation batch (need \(2 * options.evalBatchSize))")
        }
        Interrupt.install()
        let summary = try trainer.run()
        if let diverged = summary.diverged {
            let kept = FileManager.default.fileExists(atPath: folder.model.path)
            throw fail("\(diverged); " + (kept ? "the best model so far is in \(folder.model.path)" : "no model was saved"))
        }
        let test = stages.measure(.test) {
            evaluate(lm, on: BatchedStream(corpus.test, batchSize: options.evalBatchSize), bptt: options.bptt)
        }
        reporter.testResult(test, floor: floor)
        print(String(format: "| training speed %.0f tokens/s", summary.trainTokensPerSecond))
        print(String(format: "| validation speed %.0f tokens/s", summary.validTokensPerSecond))
        if let stages { print(stages.table()) }
    }

    func writeRunFiles(_ folder: RunFolder, config: ModelConfig, options: TrainOptions, corpus: Corpus) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        struct RunConfig: Encodable { let data: String; let model: ModelConfig; let training: TrainOptions }
        let json = try encoder.encode(RunConfig(data: data ?? "built-in", model: config, training: options))
        try folder.write(String(decoding: json, as: UTF8.self) + "\n", to: folder.config)
        try folder.write(corpus.vocabulary.words.joined(separator: "\n") + "\n", to: folder.vocabulary)
    }
}
