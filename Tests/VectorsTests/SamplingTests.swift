import Testing
import Vectors

/// Sub-sampling and negative sampling probabilities.
@Suite struct SamplingTests {
    /// fastText keeps a word of frequency f with probability √(t/f) + t/f.
    @Test func subsamplingFollowsFastTextsFormula() {
        // f = 0.01, t = 1e-4: t/f = 0.01 → 0.1 + 0.01.
        #expect(abs(Subsampling.keepProbability(count: 10_000, tokenCount: 1_000_000, threshold: 1e-4) - 0.11) < 1e-12)
        // f = 4e-4: t/f = 0.25 → 0.5 + 0.25.
        #expect(abs(Subsampling.keepProbability(count: 400, tokenCount: 1_000_000, threshold: 1e-4) - 0.75) < 1e-12)
        // Rare words (f ≤ t, and a bit above) are always kept.
        #expect(Subsampling.keepProbability(count: 100, tokenCount: 1_000_000, threshold: 1e-4) == 1)
        #expect(Subsampling.keepProbability(count: 200, tokenCount: 1_000_000, threshold: 1e-4) == 1)
        let vocabulary = SkipGramVocabulary(words: ["the", "cat"], counts: [10_000, 10], tokenCount: 1_000_000)
        #expect(Subsampling.keepProbabilities(vocabulary, threshold: 1e-4) == [Float(0.11), 1])
    }

    @Test func negativesAreDrawnByCountToThePower() {
        let counts = [81, 16, 1, 0]
        let p = NegativeSampler(counts: counts, power: 0.75).distribution
        let weights = [27.0, 8, 1, 0]
        for (i, w) in weights.enumerated() { #expect(abs(p[i] - w / 36) < 1e-6, "word \(i): \(p[i])") }
        let sqrt = NegativeSampler(counts: counts, power: 0.5).distribution
        for (i, w) in [9.0, 4, 1, 0].enumerated() { #expect(abs(sqrt[i] - w / 14) < 1e-6) }
    }

    @Test func progressLineLooksLikeFastTexts() {
        let progress = TrainingProgress(
            fraction: 0.421, wordsPerSecondPerThread: 123_456, learningRate: 0.028,
            averageLoss: 1.23, elapsed: 8.8)
        #expect(progress.line == "Progress:  42.1% words/sec/thread:  123456 lr:  0.028000 avg.loss:   1.230000 ETA:   0h 0m12s")
    }
}
