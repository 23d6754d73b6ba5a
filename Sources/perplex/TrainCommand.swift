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
            Without --data, trains on a built-in corpus generated from a small probabilistic grammar \
            and prints the corpus' floor perplexity beside the model's. Ctrl-C stops training early, \
            keeps the best model and still reports the test perplexity.

            Under `mpirun -np N` (a build with PERPLEX_MPI=1) the N processes train one model \
            data-parallel: --batch-size is each rank's batch (the global batch is N × it), gradients \
            are averaged across ranks every step, and rank 0 alone prints and writes the run folder.
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
    @Flag(help: "End with the share of time per stage (batchify, get batch, forward, backward, optimizer, validation, test) and the milliseconds per batch of each op, by output shape, in the forward and backward stages.")
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
    @Option(help: ArgumentHelp("Go on training from a run folder's checkpoint (or a .safetensors file): its model, epoch and learning rate; the model flags are ignored.",
                               valueName: "run"))
    var resume: String?
    @Option(name: .customLong("fail-rank-after"), help: .hidden) var failRankAfter: Int?

    /// The training options the flags give.
    var trainOptions: TrainOptions {
        var options = TrainOptions()
        (options.lr, options.clip, options.epochs, options.batchSize) = (lr, clip, epochs, batchSize)
        (options.bptt, options.seed, options.logInterval, options.dryRun) = (bptt, seed, logInterval, dryRun)
        options.maxBatches = maxBatches
        if curriculum {
            options.curriculum = Curriculum(start: curriculumStart ?? Swift.min(5, bptt), epochs: curriculumEpochs ?? 1)
        }
        return options
    }

    /// The model configuration the flags give, for a vocabulary of `vocabularySize` words (and, for
    /// a CharCNN, its character vocabulary's size and word length).
    func modelConfig(vocabularySize: Int, characters: (count: Int, wordLength: Int)?) throws -> ModelConfig {
        do { return try modelOptions.config(vocabularySize: vocabularySize, dropout: dropout, characters: characters) }
        catch { throw fail("\(error)") }
    }

    /// Flags that need a flag not given.
    var flagProblem: String? {
        !curriculum && (curriculumStart != nil || curriculumEpochs != nil)
            ? "--curriculum-start and --curriculum-epochs need --curriculum" : nil
    }

    /// What can be refused before any text is read (`perplex sweep` checks every run with it):
    /// the training options, the model's shape, and that the data folder holds its three files.
    /// Returns a one-line problem or nil.
    func problem() -> String? {
        if let problem = flagProblem ?? trainOptions.problem() { return problem }
        guard builtinSentences > 0 else { return "--builtin-sentences must be positive" }
        do { _ = try modelOptions.config(vocabularySize: 1, dropout: dropout, characters: (1, 0)) } catch { return "\(error)" }
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
        let world: any Communicator
        do { world = try Distributed.world() } catch { throw fail("\(error)") }
        Distributed.shareCores(among: world.localSize)
        try train(in: world)
        world.finish()
    }

    func train(in world: any Communicator) throws {
        // Rank 0 alone prints and writes files; the others only report their own errors.
        let say: (String) -> Void = world.isRoot ? { print($0) } : { _ in }
        if let problem = flagProblem { throw fail(problem) }
        let options = trainOptions
        if let problem = options.problem() { throw fail(problem) }
        guard builtinSentences > 0 else { throw fail("--builtin-sentences must be positive") }
        // Flags that do not fit the model kind fail before any data is read.
        _ = try modelConfig(vocabularySize: 1, characters: (1, 0))

        let corpus: Corpus, floor: Double?
        if let data {
            do { corpus = try Corpus(directory: data) } catch { throw fail("\(error)") }
            floor = nil
        } else {
            let builtIn = BuiltInCorpus.make(train: builtinSentences, valid: max(1, builtinSentences / 10),
                                             test: max(1, builtinSentences / 10), seed: seed)
            corpus = builtIn.corpus
            floor = builtIn.test.floorPerplexity
            say(String(format: "| built-in corpus: %d/%d/%d tokens, %d words, floor perplexity %.2f (test)",
                         corpus.train.count, corpus.valid.count, corpus.test.count, corpus.vocabulary.count, builtIn.test.floorPerplexity))
        }

        RandomGenerator.global.seed(seed)
        let lm: any LanguageModel, start: TrainingProgress?
        if let resume {
            (lm, start) = try resumed(from: resume, vocabulary: corpus.vocabulary, say: say)
        } else {
            let words = corpus.vocabulary.words
            let characters = CharacterVocabulary(words: words)
            let config = try modelConfig(vocabularySize: words.count, characters: (characters.count, characters.wordLength))
            do { lm = try makeLanguageModel(config, words: words) } catch { throw fail("\(error)") }
            start = nil
        }
        let run = RunConfig(data: data ?? "built-in", builtinSentences: data == nil ? builtinSentences : nil, resume: resume,
                            ranks: world.size, model: lm.config, training: options, parameters: lm.parameterCount)
        do { try world.checkAgreement(run.settings(corpus: corpus)) } catch { throw fail("\(error)") }
        // Identical weights everywhere; then each rank its own dropout stream.
        world.broadcastState(of: lm)
        if world.rank > 0 { RandomGenerator.global.seed(Distributed.seed(seed, rank: world.rank)) }

        var folder: RunFolder?
        if world.isRoot {
            do { folder = try RunFolder(path: save, appending: resume != nil) } catch { throw fail("\(error)") }
            if let folder { try writeRunFiles(folder, run: run, corpus: corpus) }
        }
        let saveURL = URL(fileURLWithPath: save).appendingPathComponent("model.safetensors")
        say("| \(lm.config.kind.rawValue) model: \(lm.parameterCount) parameters, vocabulary \(corpus.vocabulary.count), run folder \(URL(fileURLWithPath: save).path)")
        if world.size > 1 {
            say("| data-parallel over \(world.size) ranks (\(Distributed.mpiDescription)): batch \(options.batchSize) per rank, \(options.batchSize * world.size) in all")
        }

        // Under mpirun stdout looks like a terminal, but a redrawn progress bar garbles its output.
        let reporter = folder.map { RunReporter(folder: $0, live: world.size == 1 && isatty(STDOUT_FILENO) != 0) }
        if world.size > 1 && world.isRoot {
            TerminationNotice.install("error: rank 0 was stopped by the MPI launcher (another rank failed or the job was cancelled); go on from the last checkpoint in \(save) with --resume \(save)")
        }
        let stages = profile ? StageProfile() : nil
        let trainer: Trainer
        do {
            trainer = try Trainer(model: lm, corpus: corpus, options: options, communicator: world, start: start,
                                  reporter: reporter, profile: stages) { best, progress in
                try Checkpoint.save(best, vocabulary: corpus.vocabulary, progress: progress, to: saveURL)
            }
        } catch { throw fail("\(error)") }
        guard corpus.test.count >= 2 * options.evalBatchSize else {
            throw fail("the test text has \(corpus.test.count) tokens, too few for one evaluation batch (need \(2 * options.evalBatchSize))")
        }
        if let failRankAfter, world.rank == world.size - 1 {
            trainer.afterStep = { step in if step == failRankAfter { kill(getpid(), SIGKILL) } }
        }
        Interrupt.install()
        let summary = try trainer.run()
        if let diverged = summary.diverged {
            let kept = FileManager.default.fileExists(atPath: saveURL.path)
            throw fail("\(diverged); " + (kept ? "the best model so far is in \(saveURL.path)" : "no model was saved"))
        }
        let test = stages.measure(.test) {
            evaluate(lm, on: BatchedStream(corpus.test, batchSize: options.evalBatchSize), bptt: options.bptt, communicator: world)
        }
        reporter?.testResult(test, floor: floor, interrupted: summary.interrupted)
        say(String(format: "| training speed %.0f tokens/s", summary.trainTokensPerSecond))
        say(String(format: "| validation speed %.0f tokens/s", summary.validTokensPerSecond))
        if world.size > 1 {
            say(String(format: "| all-reduce %.2f ms/step (%.1f MB of gradients per rank)", summary.allReduceSecondsPerStep * 1000,
                       Double(4 * lm.parameterCount) / 1e6))
        }
        if let stages { say(stages.table()) }
    }

    /// The model and progress of the checkpoint `path` names, checked against the data's vocabulary.
    func resumed(from path: String, vocabulary: Vocabulary, say: (String) -> Void) throws -> (any LanguageModel, TrainingProgress?) {
        let loaded: (model: any LanguageModel, vocabulary: Vocabulary, progress: TrainingProgress?)
        do { loaded = try Checkpoint.loadResumable(.checkpoint(path)) } catch { throw fail("--resume: \(error)") }
        guard loaded.vocabulary.words == vocabulary.words else {
            throw fail("--resume \(path): the checkpoint's vocabulary (\(loaded.vocabulary.count) words) is not the data's (\(vocabulary.count) words); resume with the data it was trained on")
        }
        loaded.model.train()
        if let progress = loaded.progress {
            say(String(format: "| resuming %@ after epoch %d: lr %.4g, valid loss %.2f", path, progress.epoch, progress.lr, progress.bestValidLoss))
        } else {
            say("| resuming \(path): the checkpoint records no training progress; starting at epoch 1 with --lr")
        }
        return (loaded.model, loaded.progress)
    }

    func writeRunFiles(_ folder: RunFolder, run: RunConfig, corpus: Corpus) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = try encoder.encode(run)
        try folder.write(String(decoding: json, as: UTF8.self) + "\n", to: folder.config)
        try folder.write(corpus.vocabulary.words.joined(separator: "\n") + "\n", to: folder.vocabulary)
    }
}
