import Foundation

/// Learns a byte-level BPE tokenizer as Hugging Face's `BpeTrainer` does with GPT-2's byte
/// alphabet: count the pieces (`GPT2PreTokenizer`) of every line, start from the 256 bytes (ids in
/// `ByteLevelAlphabet.order`), then repeatedly merge the most frequent neighbouring pair — ties to
/// the smallest (left id, right id) — into a new token until the vocabulary has `vocabularySize`
/// tokens or no pair is left. Pair counts are updated only in the words that hold the merged pair,
/// and the most frequent pair comes from a priority queue with stale entries refreshed when drawn.
///
/// ```swift
/// let bpe = try BPETrainer(vocabularySize: 1_024).train(files: ["input.txt"])
/// try bpe.save(to: "runs/bpe")
/// ```
public struct BPETrainer: Sendable {
    /// Tokens wanted, the 256 bytes included.
    public var vocabularySize: Int
    /// Pairs seen fewer times are never merged (Hugging Face's `min_frequency`; 0 merges any pair).
    public var minimumFrequency: Int
    /// Seconds between progress reports.
    public var progressInterval = 0.2

    /// A trainer; a vocabulary below 256 is an error (byte-level BPE needs every byte).
    public init(vocabularySize: Int, minimumFrequency: Int = 0) throws(TokenizerError) {
        guard vocabularySize >= BPETokenizer.minimumVocabularySize else {
            throw .vocabularyTooSmall(vocabularySize, minimum: BPETokenizer.minimumVocabularySize)
        }
        self.vocabularySize = vocabularySize
        self.minimumFrequency = minimumFrequency
    }

    /// Learns from text files (read by `TokenizerText`: line breaks as "\n").
    public func train(files: [String], progress: ((BPETrainingProgress) -> Void)? = nil) throws(TokenizerError)
        -> BPETokenizer
    {
        var counter = BPEWordCounter()
        for (index, file) in files.enumerated() {
            progress?(.reading(file: file, index: index, of: files.count))
            counter.add(try TokenizerText.read(file))
        }
        guard counter.words.count > 0 else { throw .nothingToLearn(files.joined(separator: ", ")) }
        return learn(counter, progress: progress)
    }

    /// Learns from texts in memory.
    public func train(texts: [String], progress: ((BPETrainingProgress) -> Void)? = nil) -> BPETokenizer {
        var counter = BPEWordCounter()
        for text in texts { counter.add(text) }
        return learn(counter, progress: progress)
    }

    /// The merges learnt from counted words.
    private func learn(_ counter: BPEWordCounter, progress: ((BPETrainingProgress) -> Void)?) -> BPETokenizer {
        var state = BPEMergeState(counter: counter)
        let wanted = vocabularySize - state.tokens.count
        var lastReport = Date()
        progress?(.merging(done: 0, wanted: wanted, words: counter.words.count, pairs: state.pairCount.count))
        while state.tokens.count < vocabularySize, state.mergeNext(minimumFrequency: minimumFrequency) {
            if let progress, -lastReport.timeIntervalSinceNow >= progressInterval {
                lastReport = Date()
                progress(
                    .merging(done: state.merges.count, wanted: wanted, words: counter.words.count, pairs: state.pairCount.count))
            }
        }
        progress?(.merging(done: state.merges.count, wanted: wanted, words: counter.words.count, pairs: state.pairCount.count))
        // The merges were checked as they were made.
        return try! BPETokenizer(tokens: state.tokens, merges: state.merges)
    }
}

/// What a `BPETrainer` is doing, for a progress line.
public enum BPETrainingProgress: Sendable, Equatable {
    /// Counting the pieces of file `index` (0-based) of `of`.
    case reading(file: String, index: Int, of: Int)
    /// `done` of the `wanted` merges made, over `words` distinct pieces holding `pairs` distinct pairs.
    case merging(done: Int, wanted: Int, words: Int, pairs: Int)
}
