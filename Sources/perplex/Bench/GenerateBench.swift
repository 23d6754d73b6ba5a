import ArgumentParser
import Foundation
import Models
import Tensor
import Train

/// `perplex bench generate`: a GPT's generation with its key/value cache against re-reading the
/// context every token (what the Transformer does), same random weights, same sampled tokens.
struct GenerateBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Time GPT generation with and without its key/value cache.")

    @Option(parsing: .unconditional, help: "Tokens to generate.") var tokens = 500
    @Option(name: [.customLong("n-layer"), .customLong("n_layer")], parsing: .unconditional, help: "Blocks.")
    var nLayer = 4
    @Option(name: [.customLong("n-head"), .customLong("n_head")], parsing: .unconditional, help: "Heads.") var nHead = 4
    @Option(name: [.customLong("n-embd"), .customLong("n_embd")], parsing: .unconditional, help: "Width.") var nEmbd = 128
    @Option(name: [.customLong("block-size"), .customLong("block_size")], parsing: .unconditional, help: "Block size.")
    var blockSize = 1024
    @Option(parsing: .unconditional, help: "Vocabulary size (65: tinyshakespeare's characters).") var vocabulary = 65

    func validate() throws {
        guard (1...100_000).contains(tokens) else { throw ValidationError("--tokens must be in 1…100000, got \(tokens)") }
    }

    func run() throws {
        let config = ModelConfig(
            kind: .gpt, vocabularySize: vocabulary, emsize: nEmbd, nlayers: nLayer, nhead: nHead, dropout: 0,
            blockSize: blockSize)
        let model: any LanguageModel
        do { model = try makeLanguageModel(config, generator: RandomGenerator(seed: 1)) } catch { throw fail("\(error)") }
        func timed(cache: Bool) -> (seconds: Double, output: [Int]) {
            let generator = RandomGenerator(seed: 2)
            var reader = ContextReader(model, prompt: [0], useCache: cache)
            var output: [Int] = []
            let start = Date()
            for _ in 0..<tokens {
                let p = reader.next()
                var u = generator.nextFloat()
                var token = p.count - 1
                for (k, q) in p.enumerated() {
                    if u < q {
                        token = k
                        break
                    }
                    u -= q
                }
                output.append(token)
                reader.append(token)
            }
            return (Date().timeIntervalSince(start), output)
        }
        let cached = timed(cache: true)
        let uncached = timed(cache: false)
        print(
            String(
                format:
                    "GPT %d×%d, %d heads, block %d: %d tokens with the KV cache %.2f s (%.0f tokens/s), re-reading the context %.2f s (%.0f tokens/s): %.1f× faster%@",
                nLayer, nEmbd, nHead, blockSize, tokens, cached.seconds, Double(tokens) / cached.seconds, uncached.seconds,
                Double(tokens) / uncached.seconds, uncached.seconds / cached.seconds,
                cached.output == uncached.output ? ", same tokens" : ", different tokens (rounding)"))
    }
}
