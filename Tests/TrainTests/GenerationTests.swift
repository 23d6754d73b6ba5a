import Models
import Tensor
import Testing
import Train

/// Sampling (temperature, top-k, top-p, greedy) and beam search, over tiny random models of every kind.
@Suite struct GenerationTests {
    static let words = (0..<12).map { "w\($0)" }
    static let prompt = [3, 1, 4]

    /// A tiny random model of `kind` (seeded).
    static func model(_ kind: ModelKind, seed: UInt64 = 5) throws -> any LanguageModel {
        let config = ModelConfig(
            kind: kind, vocabularySize: words.count, emsize: 8, nhid: 8, nlayers: 1, nhead: kind == .transformer ? 2 : nil,
            dropout: 0
        ).fitted(words: words)
        return try makeLanguageModel(config, words: words, generator: RandomGenerator(seed: seed))
    }

    static func sample(_ model: any LanguageModel, _ sampling: Sampling, seed: UInt64 = 7, count: Int = 12) -> [Int] {
        generate(model, prompt: prompt, count: count, sampling: sampling, generator: RandomGenerator(seed: seed))
    }

    @Test(arguments: ModelKind.allCases)
    func greedyIsDeterministicAndTopKOneIsGreedy(_ kind: ModelKind) throws {
        let model = try Self.model(kind)
        let greedy = Self.sample(model, .greedy, seed: 1)
        #expect(greedy.count == 12)
        #expect(Self.sample(model, .greedy, seed: 2) == greedy)
        #expect(Self.sample(model, Sampling(temperature: 1, topK: 1), seed: 3) == greedy)
        #expect(Self.sample(model, Sampling(temperature: 0.5, topK: 1), seed: 4) == greedy)
    }

    @Test(arguments: ModelKind.allCases)
    func noCutIsPlainSampling(_ kind: ModelKind) throws {
        let model = try Self.model(kind)
        let plain = Self.sample(model, Sampling(temperature: 0.9), count: 30)
        #expect(Self.sample(model, Sampling(temperature: 0.9, topP: 1), count: 30) == plain)
        #expect(Self.sample(model, Sampling(temperature: 0.9, topK: Self.words.count), count: 30) == plain)
        // The plain sampling of before: softmax(logits / T), one draw per word.
        #expect(
            generate(model, prompt: Self.prompt, count: 30, temperature: 0.9, generator: RandomGenerator(seed: 7)) == plain)
    }

    @Test(arguments: ModelKind.allCases)
    func beamOfOneIsGreedy(_ kind: ModelKind) throws {
        let model = try Self.model(kind)
        let greedy = Self.sample(model, .greedy)
        let beam = beamSearch(model, prompt: Self.prompt, count: 12, width: 1)
        #expect(beam.words == greedy)
        #expect(abs(beam.logProbability - logProbability(model, of: greedy, after: Self.prompt)) < 1e-9)
    }

    /// A wider beam finds a continuation at least as likely as greedy's (on these models; beam search
    /// does not promise it in general), and the score it reports is the model's for its words.
    @Test(arguments: ModelKind.allCases)
    func widerBeamsFindLikelierContinuations(_ kind: ModelKind) throws {
        for seed: UInt64 in [5, 6] {
            let model = try Self.model(kind, seed: seed)
            let greedy = logProbability(model, of: Self.sample(model, .greedy, count: 8), after: Self.prompt)
            let beam = beamSearch(model, prompt: Self.prompt, count: 8, width: 4)
            #expect(beam.words.count == 8)
            #expect(
                beam.logProbability >= greedy - 1e-9,
                "\(kind.rawValue) seed \(seed): beam \(beam.logProbability) < greedy \(greedy)")
            let rescored = logProbability(model, of: beam.words, after: Self.prompt)
            #expect(
                abs(rescored - beam.logProbability) < 1e-6 * max(1, abs(rescored)),
                "\(kind.rawValue): \(rescored) vs \(beam.logProbability)")
        }
    }

    /// Top-k and top-p draw only from the words they keep.
    @Test func cutsKeepOnlyTheirWords() {
        let logits = Tensor(shape: [1, 4], [0, 1, 2, 3])  // probabilities ≈ 0.032, 0.087, 0.237, 0.644
        let generator = RandomGenerator(seed: 11)
        func drawn(_ sampling: Sampling) -> Set<Int> { Set((0..<300).map { _ in sampling.pick(logits, generator: generator) }) }
        #expect(drawn(Sampling()) == [0, 1, 2, 3])
        #expect(drawn(Sampling(topK: 2)) == [2, 3])
        #expect(drawn(Sampling(topP: 0.6)) == [3])
        #expect(drawn(Sampling(topP: 0.7)) == [2, 3])
        #expect(drawn(Sampling(topK: 3, topP: 0.95)) == [1, 2, 3])
        #expect(drawn(.greedy) == [3])
    }

    @Test func badSettingsAreOneLineProblems() {
        #expect(Sampling().problem == nil && Sampling.greedy.problem == nil)
        #expect(Sampling(topK: 0).problem == "--top-k must be at least 1, got 0")
        #expect(Sampling(topK: -2).problem == "--top-k must be at least 1, got -2")
        #expect(Sampling(topP: 0).problem == "--top-p must be in (0, 1], got 0.0")
        #expect(Sampling(topP: 1.5).problem == "--top-p must be in (0, 1], got 1.5")
        #expect(Sampling(temperature: -1).problem == "--temperature must be 0 (greedy) or at least 1e-3, got -1.0")
        #expect(Sampling(temperature: .nan).problem?.hasPrefix("--temperature") == true)
        #expect(Sampling(temperature: 0, topK: 3).problem?.hasPrefix("--temperature 0 is greedy") == true)
    }
}
