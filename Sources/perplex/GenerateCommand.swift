import ArgumentParser
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

    @Option(help: "A model.safetensors file, a run folder or a PyTorch .pt file (with --data).") var checkpoint: String
    @Option(parsing: .unconditional, help: "Number of words to generate.") var words = 100
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
    @Option(help: "Words to start from (each must be in the vocabulary).") var prompt: String?
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1111
    @OptionGroup var torch: TorchDataOption

    func run() throws {
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
        let url = Checkpoint.url(checkpoint)
        let loaded: (model: any LanguageModel, vocabulary: Vocabulary)
        do { loaded = try Checkpoint.load(url, torch: torch.options) } catch { throw fail("\(error)") }
        let folder = url.deletingLastPathComponent().path
        if FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(TokenizerFolder.fileName)) {
            // A run trained with --tokenizer: the prompt is raw text, the output its continuation.
            let tokenizer: any Tokenizer
            let promptIds: [Int]
            do {
                tokenizer = try TokenizerFolder.load(from: folder)
                promptIds = try tokenizer.encode(prompt ?? "")
            } catch { throw fail("\(error)") }
            let sampled = generate(
                loaded.model, prompt: promptIds, count: words, temperature: temperature, generator: RandomGenerator(seed: seed))
            print(tokenizer.decode(promptIds + sampled))
            return
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
            printText(promptIds + found.words, vocabulary: loaded.vocabulary)
            FileHandle.standardError.write(Data(String(format: "log-probability %.4f\n", found.logProbability).utf8))
            return
        }
        let generator = RandomGenerator(seed: seed)
        for sample in 1...samples {
            if samples > 1 { print("=== sample \(sample) of \(samples) ===") }
            let sampled = generate(loaded.model, prompt: promptIds, count: words, sampling: sampling, generator: generator)
            printText(promptIds + sampled, vocabulary: loaded.vocabulary)
        }
    }

    /// Prints `ids` as words, a line per sentence (`<eos>` ends a line).
    func printText(_ ids: [Int], vocabulary: Vocabulary) {
        var line: [String] = []
        for id in ids {
            let word = vocabulary[id]
            if word == Vocabulary.eos {
                print(line.joined(separator: " "))
                line = []
            } else {
                line.append(word)
            }
        }
        if !line.isEmpty { print(line.joined(separator: " ")) }
    }
}
