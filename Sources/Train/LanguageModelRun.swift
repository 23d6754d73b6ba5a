import Formats
import Foundation
import Models
import Tensor
import Text

/// One whole `perplex train`, as a library call: read the corpus (a data folder or the built-in
/// grammar corpus), build the model or resume a checkpoint, write the run folder (config.json,
/// vocab.txt, metrics.jsonl, model.safetensors, curves.svg), train, and score the test text.
///
/// ```swift
/// var run = LanguageModelRun(data: .directory("data/ptb"), model: ModelConfig(kind: .lstm, vocabularySize: 0))
/// run.training.epochs = 6
/// let result = try run.run()
/// print(result.test.perplexity)
/// ```
public struct LanguageModelRun {
    /// Where the text comes from.
    public enum Data: Sendable {
        /// A folder with train.txt, valid.txt and test.txt.
        case directory(String)
        /// The built-in grammar corpus: this many training sentences (valid and test a tenth each).
        case builtIn(sentences: Int)
        /// Texts already read.
        case corpus(Corpus)
        /// A text file (cut 90/10 as nanoGPT) or a folder's three files, read by a tokenizer,
        /// which the run folder keeps (`tokenizer.json` and its files).
        case tokenized(TokenizedData)
    }

    public var data: Data
    /// The model's shape; its vocabulary size (and a CharCNN's character table) come from the
    /// corpus. Ignored when resuming.
    public var model: ModelConfig
    public var training: TrainOptions
    /// A run folder or checkpoint file to go on from (its model, epoch and learning rate).
    public var resume: String?
    /// The run folder.
    public var save: String
    /// A checkpoint file written beside the run folder whenever the best model is saved (the
    /// recipe's `--save model.pt`): `.pt` a PyTorch state dict, `.safetensors` a copy of the run
    /// folder's model.safetensors (`SaveTarget` makes both from one path).
    public var modelFile: String?
    /// Where to write the final (best) model as ONNX after the test (the recipe's `--onnx-export`).
    public var onnxExport: String?
    /// Add wall time per stage and per op (`StageProfile`).
    public var profile = false
    /// Replace a trained run already in the `save` folder (otherwise refused).
    public var overwrite = false
    /// How a corpus folder is read: vocabulary limit, token cache, progress (`CorpusReading`).
    public var corpusReading = CorpusReading()
    /// Called on every rank after each optimizer step with the steps so far (tests make a rank fail with it).
    public var afterStep: ((Int) -> Void)?

    public init(
        data: Data, model: ModelConfig, training: TrainOptions = TrainOptions(), resume: String? = nil,
        save: String = "runs/last"
    ) {
        (self.data, self.model, self.training) = (data, model, training)
        (self.resume, self.save) = (resume, save)
    }

    /// What one run gives back.
    public struct Result {
        public let model: any LanguageModel
        public let corpus: Corpus
        public let summary: Trainer.Summary
        public let test: Evaluation
        /// The built-in corpus' floor perplexity on its test text (nil for a data folder).
        public let floor: Double?
        public let folder: RunFolder?
        public let profile: StageProfile?
    }

    /// Most sentences the built-in corpus is asked for.
    public static let maxBuiltinSentences = 10_000_000

    /// What can be refused before any text is read (`perplex sweep` checks every run with it):
    /// the training options, the model's shape, and that the data folder holds its three files.
    /// Returns a one-line problem or nil.
    public func problem() -> String? {
        if let problem = training.problem() { return problem }
        if let problem = corpusReading.limit.problem { return problem }
        if !corpusReading.limit.isNone, case .directory = data {
        } else if !corpusReading.limit.isNone {
            return
                "--max-vocab and --min-count read a --data folder with the word tokenizer (no --tokenizer, not the built-in corpus)"
        }
        switch data {
        case .builtIn(let sentences):
            // The grammar generates every sentence up front.
            if sentences < 1 { return "--builtin-sentences must be positive" }
            if sentences > Self.maxBuiltinSentences {
                return "--builtin-sentences must be at most \(Self.maxBuiltinSentences), got \(sentences)"
            }
        case .directory(let path):
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                return TextError.missingDirectory(path).description
            }
            for name in ["train.txt", "valid.txt", "test.txt"] {
                let file = (path as NSString).appendingPathComponent(name)
                if !FileManager.default.fileExists(atPath: file) { return TextError.missingFile(file).description }
            }
        case .tokenized(let data):
            if !FileManager.default.fileExists(atPath: data.path) { return TextError.missingFile(data.path).description }
        case .corpus: break
        }
        var early = model.fitted(words: ["w"])
        // The data fixes the vocabulary later (and the cutoffs are checked against it then).
        if let last = early.adaptiveSoftmax?.cutoffs.max() {
            early.vocabularySize = Swift.max(early.vocabularySize, Swift.min(last, ModelConfig.Limits.vocabulary - 1) + 1)
        }
        do { try early.validate() } catch { return "\(error)" }
        if training.iterations == nil, let block = model.resolved().blockSize, training.bptt > block {
            return "--bptt \(training.bptt) is longer than the block size \(block) (GPT reads at most --block-size tokens)"
        }
        if let problem = folderProblem(save) { return "cannot create the run folder \(save): \(problem)" }
        if !overwrite && !resumesInto(save) && RunFolder.holdsModel(save) {
            return
                "the run folder \(save) already holds a trained model; pass --overwrite to replace that run, or --save another folder"
        }
        return modelFileProblem
            ?? onnxExport.flatMap { path in
                writeProblem(path).map { "--onnx-export: cannot write \(path): \($0)" } ?? ModelExport.onnxProblem(model)
            }
    }

    /// Why `modelFile` cannot be written (its folder is made with the run folder's), or nil.
    var modelFileProblem: String? {
        guard let modelFile else { return nil }
        guard SaveTarget.FileFormat(path: modelFile) != nil else {
            return "\(modelFile): a checkpoint file's name ends in .pt or .safetensors"
        }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: modelFile, isDirectory: &isDirectory)
        if exists && isDirectory.boolValue { return "cannot write \(modelFile): it is a directory" }
        if exists && !FileManager.default.isWritableFile(atPath: modelFile) {
            return "cannot write \(modelFile): the file is not writable"
        }
        if let problem = folderProblem(URL(fileURLWithPath: modelFile).deletingLastPathComponent().path) {
            return "cannot write \(modelFile): \(problem)"
        }
        if exists && !overwrite && !resumesInto(save) {
            return "\(modelFile) already exists; pass --overwrite to replace it, or --save another path"
        }
        return nil
    }

    /// Writes `modelFile` (when set) in the format its extension names.
    func saveModelFile(_ model: any LanguageModel, vocabulary: Vocabulary, extra: [String: String]) throws {
        guard let modelFile else { return }
        let url = URL(fileURLWithPath: modelFile)
        switch SaveTarget.FileFormat(path: modelFile) {
        case .torch: try ModelExport.writeTorch(model, to: url)
        case .safetensors: try Checkpoint.save(model, vocabulary: vocabulary, extra: extra, to: url)
        case nil: throw TrainError(description: modelFileProblem ?? "\(modelFile): not a checkpoint file name")
        }
    }

    /// Trains and tests, the matrix products in `training.precision`. Rank 0 of `world` alone
    /// reports and writes the run folder; `reporter` (the console, say) is told what the run
    /// folder records.
    public func run(in world: any Communicator = SingleProcess(), reporter: (any TrainingReporter)? = nil) throws(TrainError)
        -> Result
    {
        try (training.precision ?? .float32).apply { () throws(TrainError) in try runAsked(in: world, reporter: reporter) }
    }

    func runAsked(in world: any Communicator, reporter: (any TrainingReporter)?) throws(TrainError) -> Result {
        if let problem = problem() { throw TrainError(description: problem) }
        let say: (String) -> Void = { message in if world.isRoot { reporter?.notice(message) } }
        if let fallback = training.precision?.fallback { say(fallback) }
        let (corpus, floor, tokenizer, testCharactersPerToken) = try readCorpus(say: say)

        RandomGenerator.global.seed(training.seed)
        let lm: any LanguageModel
        var start: TrainingProgress?
        var best: [String: Tensor]?
        var optimizerState: [String: Tensor] = [:]
        if let resume {
            (lm, start, best, optimizerState) = try resumed(from: resume, vocabulary: corpus.vocabulary, say: say)
        } else {
            do { lm = try makeLanguageModel(model.fitted(words: corpus.vocabulary.words), words: corpus.vocabulary.words) } catch
            {
                throw TrainError(description: "\(error)")
            }
            if model.kind.spec.options.contains(.characters) {
                let cut = CharacterVocabulary(words: corpus.vocabulary.words).cutWords
                let kept = CharacterVocabulary.maxWordLength - 2
                if cut > 0 { say("\(cut) words longer than \(kept) characters are spelled by their first \(kept)") }
            }
        }
        // The training options as this run goes on with them: a resumed run keeps its frequent-target curriculum.
        let options = try training(resuming: start, say: say)
        let record = RunConfig(
            data: dataName, builtinSentences: builtinSentences, resume: resume, ranks: world.size,
            model: lm.config, training: options, parameters: lm.parameterCount)
        do { try world.checkAgreement(record.settings(corpus: corpus)) } catch { throw TrainError(description: "\(error)") }
        // Identical weights everywhere; then each rank its own dropout stream, which a resumed run
        // takes up where the saved one stopped (rank 0's is in the checkpoint).
        world.broadcastState(of: lm)
        if world.rank > 0 {
            RandomGenerator.global.seed(Distributed.seed(training.seed &+ UInt64(start?.epoch ?? 0), rank: world.rank))
        } else if let random = start?.random, !RandomGenerator.global.restore(random) {
            throw TrainError(description: "--resume \(resume ?? ""): the checkpoint's random generator state is corrupt")
        }

        // Everything that can refuse the run is checked before the run folder is touched.
        let stages = profile ? StageProfile() : nil
        let folderURL = URL(fileURLWithPath: save)
        let checkpoint = folderURL.appendingPathComponent("model.safetensors")
        let lastURL = folderURL.appendingPathComponent("last.safetensors")
        let vocabulary = corpus.vocabulary
        let saveBest: (any LanguageModel, TrainingProgress) throws -> Void = { best, progress in
            try Checkpoint.save(best, vocabulary: vocabulary, extra: progress.metadata, to: checkpoint)
            try saveModelFile(best, vocabulary: vocabulary, extra: progress.metadata)
        }
        var last: TrainingProgress?
        // The optimizer's state as the trainer holds it when the last state is saved (AdamW's moments).
        var trainerState: () -> [(name: String, tensor: Tensor)] = { [] }
        let saveLast: (any LanguageModel, TrainingProgress) throws -> Void = { model, progress in
            var progress = progress
            // The trainer's own record wins: the iteration loop saves the state from before its closing estimate.
            if progress.random == nil { progress.random = RandomGenerator.global.state }
            try Checkpoint.save(
                model, vocabulary: vocabulary, extra: progress.metadata, state: trainerState(), to: lastURL)
            last = progress
        }
        let trainer: any RunTrainer
        if training.iterations != nil {
            guard world.size == 1 else {
                throw TrainError(description: "--max-iters training runs in one process (no mpirun)")
            }
            let iterating = try IterationTrainer(
                model: lm, corpus: corpus, options: options, start: start, optimizerState: optimizerState, best: best,
                profile: stages, onBest: saveBest)
            iterating.onLast = saveLast
            trainerState = { [unowned iterating] in iterating.optimizerState() }
            trainer = iterating
        } else {
            let epochs = try Trainer(
                model: lm, corpus: corpus, options: options, communicator: world, start: start, best: best,
                optimizerState: optimizerState, profile: stages, onBest: saveBest)
            epochs.onLast = saveLast
            trainerState = { [unowned epochs] in epochs.optimizerState() }
            trainer = epochs
        }
        guard corpus.test.count >= 2 * training.evalBatchSize else {
            throw TrainError(
                description:
                    "the test text has \(corpus.test.count) tokens, too few for one evaluation batch (need \(2 * training.evalBatchSize))"
            )
        }

        var folder: RunFolder?
        if world.isRoot {
            let opened = try RunFolder(path: save, appending: resumesInto(save), overwrite: overwrite)
            // A replaced run's checkpoint file goes with it, so that file and folder never disagree.
            if let modelFile, !resumesInto(save), RunFolder.isFile(URL(fileURLWithPath: modelFile)) {
                do { try FileManager.default.removeItem(atPath: modelFile) } catch {
                    throw TrainError(description: "cannot replace \(modelFile): \(error.localizedDescription)")
                }
            }
            do { try opened.writeRunFiles(record, vocabulary: corpus.vocabulary) } catch {
                throw TrainError(description: "cannot write the run folder \(save): \(error.localizedDescription)")
            }
            if let tokenizer {
                do { try TokenizerFolder.save(tokenizer, to: save) } catch {
                    throw TrainError(description: "cannot write the run folder \(save): \(error)")
                }
            }
            folder = opened
        }
        say(
            "\(lm.config.kind.rawValue) model: \(lm.parameterCount) parameters, vocabulary \(corpus.vocabulary.count), run folder \(folderURL.path)"
                + (modelFile.map { ", best model also to \($0)" } ?? "")
        )
        if world.size > 1 {
            say(
                "data-parallel over \(world.size) ranks (\(Distributed.mpiDescription)): batch \(training.batchSize) per rank, \(training.batchSize * world.size) in all"
            )
            if world.isRoot {
                TerminationNotice.install(
                    "error: rank 0 was stopped by the MPI launcher (another rank failed or the job was cancelled); go on from the last checkpoint in \(save) with --resume \(save)"
                )
            }
        }
        var recorders: [any TrainingReporter] = folder.map { [RunRecorder(folder: $0)] } ?? []
        if let folder {
            // Weak: the trainer holds the recorder (through its reporter).
            let batches: (Int) -> Int = { [weak trainer] in (trainer as? Trainer)?.batchCount(epoch: $0) ?? 0 }
            do { recorders.append(try TensorBoardRecorder(folder: folder, batchesInEpoch: batches)) } catch {
                say("no TensorBoard event file: \(error.localizedDescription)")
            }
        }
        let report = ReporterGroup(world.isRoot ? [reporter].compactMap { $0 } + recorders : [])
        trainer.reporter = report
        (trainer as? Trainer)?.afterStep = afterStep
        let summary: Trainer.Summary
        do { summary = try trainer.run() } catch let error as TrainError { throw error } catch {
            throw TrainError(description: "\(error)")
        }
        if let diverged = summary.diverged {
            let kept = FileManager.default.fileExists(atPath: checkpoint.path)
            throw TrainError(
                description: "\(diverged); " + (kept ? "the best model so far is in \(checkpoint.path)" : "no model was saved"))
        }
        // Stopped before the first validation: the model as it is is the best there is.
        if summary.interrupted, world.isRoot, !FileManager.default.fileExists(atPath: checkpoint.path) {
            do { try Checkpoint.save(lm, vocabulary: vocabulary, extra: last?.metadata ?? [:], to: checkpoint) } catch {
                throw TrainError(description: "cannot write \(checkpoint.path): \(error.localizedDescription)")
            }
            do { try saveModelFile(lm, vocabulary: vocabulary, extra: last?.metadata ?? [:]) } catch {
                throw TrainError(description: "cannot write \(modelFile ?? ""): \(error)")
            }
        }
        var test = stages.measure(.test) {
            evaluate(
                lm, on: BatchedStream(corpus.test, batchSize: training.evalBatchSize), bptt: testWindow(lm), communicator: world)
        }
        test.charactersPerToken = testCharactersPerToken
        report.testResult(test, floor: floor, interrupted: summary.interrupted)
        if let onnxExport, world.isRoot {
            let url = URL(fileURLWithPath: onnxExport)
            do { try ModelExport.writeONNX(lm, to: url) } catch {
                throw TrainError(description: "--onnx-export: cannot write \(onnxExport): \(error)")
            }
            say("The model is also exported in ONNX format at \(url.standardizedFileURL.resolvingSymlinksInPath().path).")
        }
        return Result(model: lm, corpus: corpus, summary: summary, test: test, floor: floor, folder: folder, profile: stages)
    }

    /// `training` with the frequent-target curriculum a resumed run recorded (`start`): adopted when
    /// none is given, refused when another is; the stages' length beside `--epochs` said.
    func training(resuming start: TrainingProgress?, say: (String) -> Void) throws(TrainError) -> TrainOptions {
        var options = training
        if let start, start.excludeFrequent != options.excludeFrequent {
            let was = start.excludeFrequent.map { "with --exclude-frequent \($0)" } ?? "without --exclude-frequent"
            guard let recorded = start.excludeFrequent, options.excludeFrequent == nil else {
                throw TrainError(
                    description:
                        "--resume \(resume ?? ""): the run trained \(was), this one would go on with --exclude-frequent \(options.excludeFrequent?.description ?? ""); drop --exclude-frequent to go on as it was"
                )
            }
            options.excludeFrequent = recorded
            say("resuming \(was), in the stage of epoch \(start.epoch + 1)")
        }
        if let curriculum = options.excludeFrequent, curriculum.epochs > options.epochs {
            say(
                "--exclude-frequent \(curriculum) takes \(curriculum.epochs) epochs, --epochs \(options.epochs) ends in its stage \((curriculum.stage(epoch: options.epochs) ?? 0) + 1) (resume with more --epochs to go on)"
            )
        }
        return options
    }

    /// The test evaluation's window: `bptt`, at most a GPT's block size (the window it trained on
    /// in iteration mode).
    func testWindow(_ lm: any LanguageModel) -> Int {
        guard let block = lm.config.blockSize else { return training.bptt }
        return training.iterations == nil ? min(block, training.bptt) : block
    }

    /// Whether the run goes on from a checkpoint in the folder it writes to (its files are kept and
    /// metrics.jsonl appended to).
    func resumesInto(_ folder: String) -> Bool {
        guard let resume else { return false }
        let target = URL(fileURLWithPath: folder).standardizedFileURL.path
        let source = URL(fileURLWithPath: SaveTarget.resumeSource(resume)).standardizedFileURL
        return source.path == target || source.deletingLastPathComponent().path == target
    }

    var dataName: String {
        switch data {
        case .directory(let path): path
        case .builtIn: "built-in"
        case .corpus: "corpus"
        case .tokenized(let data): data.path
        }
    }

    var builtinSentences: Int? {
        if case .builtIn(let sentences) = data { return sentences }
        return nil
    }

    /// The corpus, its floor perplexity when known, the tokenizer that read it, and the test
    /// stream's characters per token when its losses are also given in bits per character.
    func readCorpus(say: (String) -> Void) throws(TrainError) -> (
        Corpus, floor: Double?, tokenizer: (any Tokenizer)?, testCharactersPerToken: Double?
    ) {
        switch data {
        case .directory(let path):
            return (try corpusReading.read(path, say: say), nil, nil, nil)
        case .corpus(let corpus): return (corpus, nil, nil, nil)
        case .tokenized(let data):
            let (corpus, tokenizer, hasTest, charactersPerToken) = try data.read()
            say(
                "\(tokenizer.kind.rawValue) tokenizer: \(tokenizer.vocabularySize) tokens; train \(corpus.train.count), val \(corpus.valid.count) tokens"
                    + (hasTest ? ", test \(corpus.test.count)" : " (no test part: the test line scores val)"))
            return (corpus, nil, tokenizer, charactersPerToken?.test)
        case .builtIn(let sentences):
            let tenth = max(1, sentences / 10)
            let builtIn = BuiltInCorpus.make(train: sentences, valid: tenth, test: tenth, seed: training.seed)
            let corpus = builtIn.corpus
            say(
                String(
                    format: "built-in corpus: %d/%d/%d tokens, %d words, floor perplexity %.2f (test)", corpus.train.count,
                    corpus.valid.count, corpus.test.count, corpus.vocabulary.count, builtIn.test.floorPerplexity))
            return (corpus, builtIn.test.floorPerplexity, nil, nil)
        }
    }

    /// The model and progress a resumed run goes on from, checked against the data's vocabulary
    /// and optimizer, the best model's weights and the optimizer's state. A run folder resumes from
    /// its last state (last.safetensors) with its best model (model.safetensors) kept; a checkpoint
    /// file saved with a run folder beside it (`SaveTarget`) from that folder; another from itself.
    func resumed(from path: String, vocabulary: Vocabulary, say: (String) -> Void) throws(TrainError)
        -> (any LanguageModel, TrainingProgress?, best: [String: Tensor]?, optimizerState: [String: Tensor])
    {
        let bestURL = Checkpoint.url(SaveTarget.resumeSource(path))
        let last = bestURL.deletingLastPathComponent().appendingPathComponent("last.safetensors")
        let fromLast = bestURL.lastPathComponent == "model.safetensors" && FileManager.default.fileExists(atPath: last.path)
        let loaded: (model: any LanguageModel, vocabulary: Vocabulary, metadata: [String: String])
        // A PyTorch file's vocabulary is the data's (the recipe rebuilds it from the corpus too).
        let torch = TorchImportOptions(words: vocabulary.words)
        do { loaded = try Checkpoint.loadWithMetadata(fromLast ? last : bestURL, torch: torch) } catch {
            throw TrainError(description: "--resume: \(error)")
        }
        guard loaded.vocabulary.words == vocabulary.words else {
            throw TrainError(
                description:
                    "--resume \(path): the checkpoint's vocabulary (\(loaded.vocabulary.count) words) is not the data's (\(vocabulary.count) words); resume with the data it was trained on"
            )
        }
        var best: [String: Tensor]?
        if fromLast, FileManager.default.fileExists(atPath: bestURL.path) {
            do { best = Dictionary(uniqueKeysWithValues: try Checkpoint.load(bestURL).model.stateDict()) } catch {
                throw TrainError(description: "--resume: \(error)")
            }
        }
        loaded.model.train()
        var progress = TrainingProgress(metadata: loaded.metadata)
        var optimizerState: [String: Tensor] = [:]
        if let recorded = progress {
            let (was, now) = (recorded.optimizer ?? .sgd, training.optimizer ?? .sgd)
            guard was == now else {
                throw TrainError(
                    description:
                        "--resume \(path): the run trained with \(was.name), this one would go on with \(now.name); "
                        + (now == .adamW ? "drop --use-optimizer" : "pass --use-optimizer") + " to go on as it was")
            }
            if (recorded.optimizerSteps ?? 0) > 0 {
                do { optimizerState = try Checkpoint.trainingState(fromLast ? last : bestURL) } catch {
                    throw TrainError(description: "--resume: \(error)")
                }
                if optimizerState.isEmpty {
                    say(
                        "resuming \(path): the checkpoint holds no AdamW moments (only a run's last state does); they start from zero"
                    )
                    progress?.optimizerSteps = nil
                }
            }
        }
        if let progress {
            let position =
                progress.iteration.map { "iteration \($0)" } ?? progress.batch.map {
                    "batch \($0) of epoch \(progress.epoch + 1)"
                }
                ?? "epoch \(progress.epoch)"
            let loss = progress.bestValidLoss.map { String(format: ", best valid loss %.2f", $0) } ?? ""
            say(String(format: "resuming %@ after %@: lr %.4g%@", path, position, progress.lr, loss))
        } else {
            say("resuming \(path): the checkpoint records no training progress; starting at epoch 1 with --lr")
        }
        return (loaded.model, progress, best, optimizerState)
    }
}

/// What `LanguageModelRun` needs of its training loop: the recipe's epochs (`Trainer`) or
/// nanoGPT's iterations (`IterationTrainer`).
protocol RunTrainer: AnyObject {
    var reporter: TrainingReporter? { get set }
    func run() throws -> Trainer.Summary
}

extension Trainer: RunTrainer {}
extension IterationTrainer: RunTrainer {}

extension RunFolder {
    /// config.json and vocab.txt, written atomically.
    func writeRunFiles(_ record: RunConfig, vocabulary: Vocabulary) throws {
        try writeConfig(record)
        try write(vocabulary.words.joined(separator: "\n") + "\n", to: self.vocabulary)
    }
}
