import ArgumentParser
import Foundation
import Models
import Tensor
import Text
import Train

/// `perplex generate`: sample text from a checkpoint (the recipe's generate.py).
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate text from a checkpoint.")

    @Option(help: "A model.safetensors file, a run folder or a PyTorch .pt file (with --data).") var checkpoint: String
    @Option(parsing: .unconditional, help: "Number of words to generate.") var words = 100
    @Option(parsing: .unconditional, help: "Sampling temperature; lower is more conservative.") var temperature: Float = 1
    @Option(help: "Words to start from (each must be in the vocabulary).") var prompt: String?
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1111
    @OptionGroup var torch: TorchDataOption

    func run() throws {
        guard words >= 0 else { throw fail("--words must be non-negative") }
        guard temperature > 1e-3, temperature.isFinite else {
            throw fail("--temperature must be at least 1e-3, got \(temperature)")
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
        let sampled = generate(
            loaded.model, prompt: promptIds, count: words, temperature: temperature,
            generator: RandomGenerator(seed: seed))
        var line = promptIds.map { loaded.vocabulary[$0] }
        for id in sampled {
            let word = loaded.vocabulary[id]
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
