import Models
import Tensor
import Testing
import Train

/// GPT's key/value cache gives the distributions of the uncached forward pass over the (cropped)
/// context, at every step, also after the context outgrows the block size.
@Suite struct GPTGenerationTests {
    static func model(blockSize: Int, bias: Bool) throws -> any LanguageModel {
        try makeLanguageModel(
            ModelConfig(
                kind: .gpt, vocabularySize: 13, emsize: 12, nlayers: 2, nhead: 3, dropout: 0, blockSize: blockSize, bias: bias),
            generator: RandomGenerator(seed: 7))
    }

    @Test(arguments: [(64, true), (20, false)])
    func cachedDistributionsEqualUncached(_ blockSize: Int, _ bias: Bool) throws {
        let model = try Self.model(blockSize: blockSize, bias: bias)
        let generator = RandomGenerator(seed: 3)
        let prompt = [1, 5, 2]
        var cached = ContextReader(model, prompt: prompt)
        var uncached = ContextReader(model, prompt: prompt, useCache: false)
        var worst: Float = 0
        for _ in 0..<50 {
            let p = cached.next(temperature: 0.8)
            let q = uncached.next(temperature: 0.8)
            #expect(p.count == q.count)
            worst = max(worst, zip(p, q).map { abs($0 - $1) }.max() ?? 0)
            let token = Int(generator.next() % UInt64(p.count))
            cached.append(token)
            uncached.append(token)
        }
        print("GPT block \(blockSize): worst cached/uncached probability difference \(worst) over 50 steps")
        #expect(worst <= 1e-5)
    }

    @Test func generateIsReproducibleAndInVocabulary() throws {
        let model = try Self.model(blockSize: 8, bias: true)
        let a = generate(model, prompt: [1, 2], count: 30, temperature: 1, generator: RandomGenerator(seed: 5))
        let b = generate(model, prompt: [1, 2], count: 30, temperature: 1, generator: RandomGenerator(seed: 5))
        #expect(a == b)
        #expect(a.count == 30 && a.allSatisfy { (0..<13).contains($0) })
    }
}
