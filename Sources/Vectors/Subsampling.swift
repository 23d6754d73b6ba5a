/// Sub-sampling of frequent words, fastText's formula: a word of relative frequency f = count /
/// tokens is kept with probability √(t/f) + t/f (capped at 1), drawn afresh at every pass.
public enum Subsampling {
    /// The probability of keeping a word seen `count` times among `tokenCount` tokens.
    public static func keepProbability(count: Int, tokenCount: Int, threshold: Double) -> Double {
        guard count > 0, tokenCount > 0 else { return 1 }
        let ratio = threshold / (Double(count) / Double(tokenCount))
        return min(1, ratio.squareRoot() + ratio)
    }

    /// The keep probability of every word of `vocabulary`.
    public static func keepProbabilities(_ vocabulary: SkipGramVocabulary, threshold: Double) -> [Float] {
        vocabulary.counts.map { Float(keepProbability(count: $0, tokenCount: vocabulary.tokenCount, threshold: threshold)) }
    }
}
