import ArgumentParser
import Formats
import Foundation
import Models
import Tensor
import Text
import Train

/// `perplex generate`: sample text from a checkpoint (the recipe's generate.py), or search for the
/// most likely continuation with a beam.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate text from a checkpoint.")

    /// The recipe's `--checkpoint` default.
    static let defaultCheckpoint = "./model.pt"

    @Option(
        help: """
            A model.safetensors file, a run folder, or a .pt file: one saved with its run folder beside it, \
            or a PyTorch file (with --data) (default: ./model.pt, the recipe's; perplex train saves to \
            runs/<model> unless given --save model.pt).
            """)
    var checkpoint: String?
    @OptionGroup var torch: TorchDataOption
    @OptionGroup var precisionOption: PrecisionOption
    @Option(
        help: ArgumentHelp(
            "Write the text to this file (the recipe's default is generated.txt; ours is stdout).", valueName: "file"))
    var outf: String?
    @Option(parsing: .unconditional, help: "Number of words to generate.") var words = 1000
    @Option(parsing: .unconditional, help: "Sampling temperature; lower is more conservative, 0 is greedy (default 1).")
    var temperature: Float?
    @Option(
        name: [.customLong("top-k"), .customLong("top_k")], parsing: .unconditional, help: "Sample among the k most likely words."
    )
    var topK: Int?
    @Option(
        name: [.customLong("top-p"), .customLong("top_p")], parsing: .unconditional,
        help: "Sample among the fewest most likely words whose probabilities add up to p, in (0, 1].")
    var topP: Float?
    @Option(parsing: .unconditional, help: "Independent samples, each from the prompt.") var samples = 1
    @Option(
        parsing: .unconditional,
        help:
            "Beam width: print the most likely continuation a beam search finds (no sampling; without --prompt it starts after <eos>)."
    )
    var beam: Int?
    @Option(help: "Words to start from (each must be in the vocabulary; raw text for a run with a tokenizer).")
    var prompt: String?
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1111
    @Option(
        name: [.customLong("log-interval"), .customLong("log_interval")], parsing: .unconditional,
        help:
            "Print '| Generated i/N words' every this many words (default 100; with --outf on stdout, else on stderr and only when given)."
    )
    var logInterval: Int?
    @Flag(help: "Use the best device available (this build has none but the CPU: says so and generates there).")
    var accel = false

    func run() throws { try precisionOption.apply(runAsked) }

    func runAsked() throws {
        guard words >= 0 else { throw fail("--words must be non-negative") }
        let sampling = Sampling(temperature: temperature ?? 1, topK: topK, topP: topP)
        if let problem = sampling.problem { throw fail(problem) }
        guard samples >= 1 else { throw fail("--samples must be at least 1, got \(samples)") }
        if let beam {
            guard (1...maxBeamWidth).contains(beam) else { throw fail("--beam must be in 1…\(maxBeamWidth), got \(beam)") }
            let sampled = [temperature.map { _ in "--temperature" }, topK.map { _ in "--top-k" }, topP.map { _ in "--top-p" }]
            if let flag = sampled.compactMap({ $0 }).first ?? (samples > 1 ? "--samples" : nil) {
                throw fail("--beam searches for the single most likely continuation; it takes no \(flag)")
            }
        }
        if let logInterval, logInterval < 1 { throw fail("--log-interval must be at least 1, got \(logInterval)") }
        if let outf { try checkOutput(outf) }
        // The text owns stdout unless it goes to a file.
        let say: (String) -> Void = { line in
            if outf != nil { print(line) } else { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
        if accel { say(accelLine(ComputeDevice.best, doing: "generating")) }
        let path = checkpoint ?? Self.defaultCheckpoint
        if checkpoint == nil && !FileManager.default.fileExists(atPath: path) {
            throw fail(
                "checkpoint not found: \(path) (the default, as the recipe's; perplex train saves to runs/<model> unless given --save model.pt): pass --checkpoint"
            )
        }
        let url = Checkpoint.url(SaveTarget.readablePath(path))
        let loaded: (model: any LanguageModel, vocabulary: Vocabulary)
        do { loaded = try Checkpoint.load(url, torch: torch.options) } catch { throw fail("\(error)") }
        let interval = outf != nil || logInterval != nil ? logInterval ?? 100 : nil
        let progress: (Int) -> Void = { index in
            if let interval, index % interval == 0 { say("| Generated \(index)/\(words) words") }
        }
        let runTokenizer: (tokenizer: any Tokenizer, folder: String?)?
        do { runTokenizer = try CheckpointTokenizer.load(checkpoint: path, data: torch.data) } catch { throw fail("\(error)") }
        if let tokenizer = runTokenizer?.tokenizer {
            // A run trained with --tokenizer: the prompt is raw text, the output its continuation.
            let promptIds: [Int]
            do { promptIds = try tokenizer.encode(prompt ?? "") } catch { throw fail("\(error)") }
            if beam != nil || samples > 1 { throw fail("--beam and --samples take a word-level run") }
            let sampled = generate(
                loaded.model, prompt: promptIds, count: words, sampling: sampling, generator: RandomGenerator(seed: seed),
                progress: progress)
            try emit(tokenizer.decode(promptIds + sampled) + "\n")
            return
        }
        if let data = torch.data, !Checkpoint.isTorchFile(url) {
            let corpus: Corpus
            do { corpus = try Corpus(directory: data) } catch { throw fail("--data: \(error)") }
            if corpus.vocabulary.words != loaded.vocabulary.words {
                say(
                    "| --data \(data): its vocabulary (\(corpus.vocabulary.count) words) is not the checkpoint's (\(loaded.vocabulary.count) words); generating with the checkpoint's"
                )
            }
        }
        var promptIds: [Int] = []
        for word in (prompt ?? "").split(whereSeparator: \.isWhitespace).map(String.init) {
            guard let id = loaded.vocabulary.id(of: word) else { throw fail("prompt word '\(word)' is not in the vocabulary") }
            promptIds.append(id)
        }
        if let beam {
            var start = promptIds
            if start.isEmpty {
                guard let eos = loaded.vocabulary.id(of: Vocabulary.eos) else {
                    throw fail("--beam needs a --prompt: the vocabulary has no \(Vocabulary.eos) to start after")
                }
                start = [eos]
            }
            let found = beamSearch(loaded.model, prompt: start, count: words, width: beam)
            try emit(Self.text(promptIds + found.words, vocabulary: loaded.vocabulary))
            FileHandle.standardError.write(Data(String(format: "log-probability %.4f\n", found.logProbability).utf8))
            return
        }
        let generator = RandomGenerator(seed: seed)
        var text = ""
        for sample in 1...samples {
            if samples > 1 { text += "=== sample \(sample) of \(samples) ===\n" }
            let sampled = generate(
                loaded.model, prompt: promptIds, count: words, sampling: sampling, generator: generator, progress: progress)
            text += Self.text(promptIds + sampled, vocabulary: loaded.vocabulary)
        }
        try emit(text)
    }

    /// Writes `text` to --outf (atomically) or stdout.
    func emit(_ text: String) throws {
        guard let outf else {
            print(text, terminator: "")
            return
        }
        do { try writeAtomically(Data(text.utf8), to: URL(fileURLWithPath: outf)) } catch { throw writeFailure(outf, error) }
    }

    /// The words as text, a line ending at each `<eos>`.
    static func text(_ ids: [Int], vocabulary: Vocabulary) -> String {
        lines(ids, vocabulary: vocabulary).map { $0 + "\n" }.joined()
    }

    /// The words as lines of text, a line ending at each `<eos>`.
    static func lines(_ ids: [Int], vocabulary: Vocabulary) -> [String] {
        var lines: [String] = []
        var line: [String] = []
        for id in ids {
            let word = vocabulary[id]
            if word == Vocabulary.eos {
                lines.append(line.joined(separator: " "))
                line = []
            } else {
                line.append(word)
            }
        }
        if !line.isEmpty { lines.append(line.joined(separator: " ")) }
        return lines
    }
}
