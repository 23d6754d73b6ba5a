import ArgumentParser
import Formats
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
            keeps the best model (in the first epoch: the model as it is) and the state to resume \
            from (last.safetensors), and still reports the test perplexity.

            Under `mpirun -np N` (a build with PERPLEX_MPI=1) the N processes train one model \
            data-parallel: --batch-size is each rank's batch (the global batch is N × it), gradients \
            are averaged across ranks every step, and rank 0 alone prints and writes the run folder.
            """)

    @Option(
        help:
            "Folder with train.txt, valid.txt and test.txt (default: the built-in corpus); with --tokenizer also one text file, cut 90/10 as nanoGPT."
    )
    var data: String?
    @Option(
        help: ArgumentHelp(
            "Read --data with a tokenizer: char (nanoGPT's character set of the text) or a tokenizer folder (perplex tokenizer train); default: the recipe's words.",
            valueName: "char|folder"))
    var tokenizer: String?
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var iterationFlags: IterationFlags
    @OptionGroup var precisionOption: PrecisionOption
    @Option(
        name: [.customLong("lr"), .customLong("learning-rate"), .customLong("learning_rate")], parsing: .unconditional,
        help: "Initial learning rate (default 20; with --max-iters the peak, default 6e-4).")
    var lr: Float?
    @Option(parsing: .unconditional, help: "Gradient clipping (max global norm).") var clip: Float = 0.25
    @Option(parsing: .unconditional, help: "Upper epoch limit.") var epochs = 40
    @Option(name: [.customLong("batch-size"), .customLong("batch_size")], parsing: .unconditional, help: "Batch size.")
    var batchSize = 20
    @Option(parsing: .unconditional, help: "Sequence length (truncated BPTT).") var bptt = 35
    @Option(parsing: .unconditional, help: "Dropout applied to layers (0 = no dropout).") var dropout: Float = 0.2
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1111
    @Option(
        name: [.customLong("log-interval"), .customLong("log_interval")], parsing: .unconditional,
        help: "Report interval (batches; with --max-iters iterations, default 1).")
    var logInterval: Int?
    @Option(
        help: ArgumentHelp(
            "Run folder for config.json, metrics.jsonl, model.safetensors, last.safetensors, vocab.txt, curves.svg (default: runs/<model>, or runs/<model>-2, -3, … when that holds a trained model; not the recipe's model.pt). A path ending in .pt (a PyTorch state dict) or .safetensors gets the best model, as the recipe's --save model.pt does, and the run folder goes beside it (model.pt: model.run).",
            valueName: "path"))
    var save: String?
    @Flag(
        name: [.customLong("use-optimizer"), .customLong("use_optimizer")],
        help:
            "Update with AdamW (PyTorch's defaults: betas 0.9, 0.999, eps 1e-8, weight decay 0.01) at a constant --lr instead of SGD with lr / 4 on plateaus; the recipe uses --lr 0.001 with it."
    )
    var useOptimizer = false
    @Flag(help: "Use the best device available (this build has none but the CPU: says so and trains there).")
    var accel = false
    @Option(
        name: [.customLong("onnx-export"), .customLong("onnx_export")],
        help: ArgumentHelp("After training, also export the best model in ONNX format to this file.", valueName: "path"))
    var onnxExport: String?
    @Flag(name: [.customLong("dry-run"), .customLong("dry_run")], help: "Run one batch per epoch (a quick check).")
    var dryRun = false
    @Flag(
        help:
            "End with the share of time per stage (batchify, get batch, forward, backward, optimizer, validation, test) and the milliseconds per batch of each op, by output shape, in the forward and backward stages."
    )
    var profile = false
    @Option(
        name: [.customLong("max-batches"), .customLong("max_batches")], parsing: .unconditional,
        help: "Stop each epoch after this many batches (0: whole epochs); for timing runs.")
    var maxBatches = 0
    @Flag(
        help:
            "Short sequences first: the BPTT window grows from --curriculum-start steps to --bptt over the first --curriculum-epochs epochs."
    )
    var curriculum = false
    @Option(
        name: [.customLong("curriculum-start"), .customLong("curriculum_start")], parsing: .unconditional,
        help: "Window length the curriculum starts from (default 5, at most --bptt).")
    var curriculumStart: Int?
    @Option(
        name: [.customLong("curriculum-epochs"), .customLong("curriculum_epochs")], parsing: .unconditional,
        help: "Epochs over which the curriculum's window grows to --bptt (default 1).")
    var curriculumEpochs: Int?
    @Option(
        name: [.customLong("exclude-frequent"), .customLong("exclude_frequent")],
        help: ArgumentHelp(
            "Frequent targets last (report 004): stages K:EPOCHS, K shrinking; each stage's epochs leave out of the loss every position whose target is one of the K most frequent training words, then every position counts (validation and test always score all). Not --curriculum, which grows the BPTT window.",
            valueName: "K:E,…"))
    var excludeFrequent: String?
    @Option(
        name: [.customLong("builtin-sentences"), .customLong("builtin_sentences")], parsing: .unconditional,
        help: "Training sentences of the built-in corpus (valid and test get a tenth each).")
    var builtinSentences = 6000
    @Option(
        help: ArgumentHelp(
            "Go on training from a run folder's last state (or a .safetensors file): its weights, epoch and batch, learning rate and random state; the model flags are ignored.",
            valueName: "run"))
    var resume: String?
    @Flag(help: "Replace the run already in the --save folder (without it a folder holding a trained model is refused).")
    var overwrite = false
    @Option(name: .customLong("fail-rank-after"), parsing: .unconditional, help: .hidden) var failRankAfter: Int?
    @Flag(
        inversion: .prefixedNo,
        help:
            "Under mpirun: all-reduce each gradient bucket as soon as backward has finished it, while backward goes on (--no-overlap: all after backward). The result is the same."
    )
    var overlap = true
    @Flag(
        name: .customLong("sparse-embedding"), inversion: .prefixedNo,
        help:
            "Under mpirun: send the embedding's gradient as the rows that changed when that is smaller than the table (--no-sparse-embedding: always dense). The result is the same."
    )
    var sparseEmbedding = true
    @Option(
        name: [.customLong("max-vocab"), .customLong("max_vocab")], parsing: .unconditional,
        help:
            "Keep the N most frequent training words (<eos> and <unk> counted); the rest read as <unk> (added when the corpus lacks it). Word tokenizer only."
    )
    var maxVocab: Int?
    @Option(
        name: [.customLong("min-count"), .customLong("min_count")], parsing: .unconditional,
        help: "Keep the words seen at least C times in train.txt; the rest read as <unk>. Word tokenizer only.")
    var minCount: Int?
    @Flag(
        name: [.customLong("no-token-cache"), .customLong("no_token_cache")],
        help:
            "Encode the text every run (by default the encoded splits are cached in DIR/.perplex, or ~/.cache/perplex when DIR is not writable, and memory-mapped by later runs)."
    )
    var noTokenCache = false

    /// The training options the flags give.
    func trainOptions() throws(TrainError) -> TrainOptions {
        var options = TrainOptions()
        (options.lr, options.clip, options.epochs, options.batchSize) = (lr ?? 20, clip, epochs, batchSize)
        (options.bptt, options.seed, options.logInterval, options.dryRun) = (bptt, seed, logInterval ?? 200, dryRun)
        options.iterations = iterationFlags.options(lr: lr, logInterval: logInterval)
        options.maxBatches = maxBatches
        options.precision = precisionOption.precision
        options.optimizer = useOptimizer ? .adamW : nil
        let exchange = GradientExchange(overlap: overlap, sparseEmbedding: sparseEmbedding)
        options.exchange = exchange == GradientExchange() ? nil : exchange
        if curriculum {
            options.curriculum = Curriculum(start: curriculumStart ?? Swift.min(5, bptt), epochs: curriculumEpochs ?? 1)
        }
        options.excludeFrequent = try excludeFrequent.map { text throws(TrainError) in try FrequentTargetCurriculum(parsing: text)
        }
        return options
    }

    /// Where the text comes from.
    var dataSource: LanguageModelRun.Data {
        guard let data else { return .builtIn(sentences: builtinSentences) }
        guard let tokenizer else { return .directory(data) }
        return .tokenized(TokenizedData(path: data, choice: tokenizer == "char" ? .char : .folder(tokenizer)))
    }

    /// The run the flags describe.
    func languageModelRun() throws -> LanguageModelRun {
        let target = save.map(SaveTarget.init)
        var run = LanguageModelRun(
            data: dataSource,
            model: try modelOptions.template(dropout: dropout), training: try trainOptions(), resume: resume,
            save: target?.folder ?? RunFolder.fresh("runs/\(modelOptions.model.rawValue)"))
        run.modelFile = target?.file
        run.onnxExport = onnxExport
        run.profile = profile
        run.overwrite = overwrite
        run.corpusReading = CorpusReading(
            limit: VocabularyLimit(maxWords: maxVocab, minCount: minCount), tokenCache: !noTokenCache,
            notice: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
        return run
    }

    /// Flags that need a flag not given (the rest is `LanguageModelRun.problem()`'s to check).
    var flagProblem: String? {
        if let problem = iterationFlags.problem { return problem }
        if tokenizer != nil && data == nil { return "--tokenizer needs --data (a text file or a folder)" }
        if tokenizer == "word" || tokenizer == "bpe" {
            return
                "--tokenizer \(tokenizer ?? ""): give char or a tokenizer folder (perplex tokenizer train --kind \(tokenizer ?? "") … --out FOLDER); without --tokenizer the data is read as the recipe's words"
        }
        return !curriculum && (curriculumStart != nil || curriculumEpochs != nil)
            ? "--curriculum-start and --curriculum-epochs need --curriculum" : nil
    }

    /// What can be refused before any text is read (`perplex sweep` checks every run with it).
    func problem() -> String? {
        if let flagProblem { return flagProblem }
        do { return try languageModelRun().problem() } catch { return "\(error)" }
    }

    func run() throws {
        let world: any Communicator
        do { world = try Distributed.world() } catch { throw fail("\(error)") }
        Distributed.shareCores(among: world.localSize)
        if let flagProblem { throw fail(flagProblem) }
        // The run checks itself (`LanguageModelRun.problem()`) before it reads anything.
        var run: LanguageModelRun
        do { run = try languageModelRun() } catch { throw fail("\(error)") }
        if accel && world.isRoot { print(accelLine(ComputeDevice.best, doing: "training")) }
        if let failRankAfter, world.rank == world.size - 1 {
            run.afterStep = { step in if step == failRankAfter { kill(getpid(), SIGKILL) } }
        }
        // Under mpirun stdout looks like a terminal, but a redrawn progress bar garbles its output.
        let console = ConsoleReporter(live: world.size == 1 && isatty(STDOUT_FILENO) != 0)
        Interrupt.install()
        let result: LanguageModelRun.Result
        do { result = try run.run(in: world, reporter: console) } catch { throw fail("\(error)") }
        if world.isRoot {
            let summary = result.summary
            print(String(format: "| training speed %.0f tokens/s", summary.trainTokensPerSecond))
            if summary.validTokensPerSecond > 0 {
                print(String(format: "| validation speed %.0f tokens/s", summary.validTokensPerSecond))
            }
            if world.size > 1 {
                print(
                    String(
                        format:
                            "| all-reduce %.2f ms/step after backward (%.1f MB of gradients per rank, %.1f MB sent in the last step; embedding rows sparse in %d steps)",
                        summary.allReduceSecondsPerStep * 1000, Double(4 * result.model.parameterCount) / 1e6,
                        Double(summary.gradientBytesLastStep) / 1e6, summary.sparseEmbeddingSteps))
            }
            if let stages = result.profile { print(stages.table()) }
        }
        world.finish()
    }
}
