import ArgumentParser
import Foundation
import Models
import Tensor
import Text
import Train

extension ModelKind: ExpressibleByArgument {}

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
    @Option(help: "RNN_TANH, RNN_RELU, LSTM, GRU or Transformer.") var model: ModelKind = .lstm
    @Option(help: "Size of word embeddings.") var emsize = 200
    @Option(help: "Hidden units per layer (Transformer: feed-forward width).") var nhid = 200
    @Option(help: "Number of layers.") var nlayers = 2
    @Option(help: "Attention heads (Transformer).") var nhead = 2
    @Option(help: "Initial learning rate.") var lr: Float = 20
    @Option(help: "Gradient clipping (max global norm).") var clip: Float = 0.25
    @Option(help: "Upper epoch limit.") var epochs = 40
    @Option(name: [.customLong("batch-size"), .customLong("batch_size")], help: "Batch size.") var batchSize = 20
    @Option(help: "Sequence length (truncated BPTT).") var bptt = 35
    @Option(help: "Dropout applied to layers (0 = no dropout).") var dropout: Float = 0.2
    @Flag(help: "Tie the word embedding and softmax weights.") var tied = false
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
    @Option(name: [.customLong("builtin-sentences"), .customLong("builtin_sentences")],
            help: "Training sentences of the built-in corpus (valid and test get a tenth each).")
    var builtinSentences = 6000

    /// The training options the flags give.
    var trainOptions: TrainOptions {
        var options = TrainOptions()
        (options.lr, options.clip, options.epochs, options.batchSize) = (lr, clip, epochs, batchSize)
        (options.bptt, options.seed, options.logInterval, options.dryRun) = (bptt, seed, logInterval, dryRun)
        options.maxBatches = maxBatches
        return options
    }

    /// The model configuration the flags give, for a vocabulary of `vocabularySize` words.
    func modelConfig(vocabularySize: Int) -> ModelConfig {
        ModelConfig(kind: model, vocabularySize: vocabularySize, emsize: emsize, nhid: nhid, nlayers: nlayers,
                    nhead: nhead, dropout: dropout, tied: tied)
    }

    /// What can be refused before any text is read (`perplex sweep` checks every run with it):
    /// the training options, the model's shape, and that the data folder holds its three files.
    /// Returns a one-line problem or nil.
    func problem() -> String? {
        if let problem = trainOptions.problem() { return problem }
        guard builtinSentences > 0 else { return "--builtin-sentences must be positive" }
        do { try modelConfig(vocabularySize: 1).validate() } catch { return "\(error)" }
        if let data {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory), isDirectory.boolValue else {
                return TextError.missingDirectory(data).description
            }
            for name in ["train.txt", "valid.txt", "test.txt"] {
                let path = (data as NSString).appendingPathComponent(name)
                if !FileManager.default.fileExists(atPath: path) { return TextError.missingFile(path).description }
            }
        }
        return nil
    }

    func run() throws {
        let options = trainOptions
        if let problem = options.problem() { throw fail(problem) }
        guard builtinSentences > 0 else { throw fail("--builtin-sentences must be positive") }

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
        let config = modelConfig(vocabularySize: corpus.vocabulary.count)
        let lm: any LanguageModel
        do { lm = try makeLanguageModel(config) } catch { throw fail("\(error)") }
        let folder: RunFolder
        do { folder = try RunFolder(path: save) } catch { throw fail("\(error)") }
        try writeRunFiles(folder, config: RunConfig(data: data ?? "built-in", model: config, training: options,
                                                    parameters: lm.parameterCount), corpus: corpus)
        print("| \(model.rawValue) model: \(lm.parameterCount) parameters, vocabulary \(corpus.vocabulary.count), run folder \(folder.url.path)")

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
        let testLoss = stages.measure(.test) {
            evaluateLoss(lm, on: BatchedStream(corpus.test, batchSize: options.evalBatchSize), bptt: options.bptt)
        }
        reporter.testResult(loss: testLoss, floor: floor, interrupted: summary.interrupted)
        print(String(format: "| training speed %.0f tokens/s", summary.trainTokensPerSecond))
        print(String(format: "| validation speed %.0f tokens/s", summary.validTokensPerSecond))
        if let stages { print(stages.table()) }
    }

    func writeRunFiles(_ folder: RunFolder, config: RunConfig, corpus: Corpus) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = try encoder.encode(config)
        try folder.write(String(decoding: json, as: UTF8.self) + "\n", to: folder.config)
        try folder.write(corpus.vocabulary.words.joined(separator: "\n") + "\n", to: folder.vocabulary)
    }
}
