import Foundation

/// Trains skip-gram word vectors with negative sampling on a corpus, fastText-style: input rows
/// start uniform in ±1/dim, output rows at zero, and `threads` threads update them without locks
/// while the learning rate falls linearly from `learningRate` to 0 over `epochs × tokens`.
///
/// ```swift
/// let corpus = try SkipGramCorpus(contentsOf: ["text.txt"], minCount: 5)
/// var configuration = SkipGramConfiguration()
/// configuration.threads = 2
/// let result = try SkipGramTrainer(corpus: corpus, configuration: configuration).train { print($0.line) }
/// ```
public struct SkipGramTrainer {
    public let corpus: SkipGramCorpus
    public let configuration: SkipGramConfiguration
    /// Seconds between progress reports.
    public var progressInterval = 0.1

    /// Checks the configuration; training starts with `train`.
    public init(corpus: SkipGramCorpus, configuration: SkipGramConfiguration) throws(VectorsError) {
        try configuration.validate()
        guard corpus.vocabulary.count >= 2 else {
            throw .singleWord(corpus.vocabulary.words.first ?? "", minCount: configuration.minCount)
        }
        (self.corpus, self.configuration) = (corpus, configuration)
    }

    /// What training did.
    public struct Result: Sendable {
        public let model: SkipGramModel
        /// Tokens processed (sub-sampled ones included), about epochs × tokens.
        public let tokensProcessed: Int
        /// Wall-clock seconds of the training threads (after the matrices were set up).
        public let seconds: Double
        public let finalLoss: Double
    }

    /// Trains; `progress` is called from the first thread every `progressInterval` seconds and
    /// once at the end.
    public func train(progress: ((TrainingProgress) -> Void)? = nil) -> Result {
        let subwords = SubwordTable(
            vocabulary: corpus.vocabulary, minLength: configuration.minN,
            maxLength: configuration.maxN, buckets: configuration.buckets)
        let input = EmbeddingMatrix(rows: subwords.rowCount, dimension: configuration.dimension)
        input.fillUniform(bound: 1 / Float(configuration.dimension), seed: configuration.seed)
        let output = EmbeddingMatrix(rows: corpus.vocabulary.count, dimension: configuration.dimension)
        let context = TrainingContext(
            corpus: corpus, subwords: subwords, configuration: configuration,
            input: input, output: output)

        let threads = configuration.threads
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 }
        let finished = DispatchSemaphore(value: 0)
        for index in 1..<max(threads, 1) {
            let thread = Thread {
                var worker = SkipGramWorker(context: context, index: index)
                worker.run { _, _, _, _ in }
                worker.release()
                finished.signal()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        var worker = SkipGramWorker(context: context, index: 0)
        var lastReport = 0.0
        let total = Double(context.totalTokens)
        func snapshot(done: Int, learningRate: Float, lossSum: Double, lossCount: Int) -> TrainingProgress {
            let seconds = elapsed()
            return TrainingProgress(
                fraction: min(1, Double(done) / total),
                wordsPerSecondPerThread: seconds > 0 ? Double(done) / seconds / Double(threads) : 0,
                learningRate: Double(learningRate), averageLoss: lossCount > 0 ? lossSum / Double(lossCount) : 0,
                elapsed: seconds)
        }
        worker.run { done, learningRate, lossSum, lossCount in
            guard let progress else { return }
            let now = elapsed()
            guard now - lastReport >= progressInterval else { return }
            lastReport = now
            progress(snapshot(done: done, learningRate: learningRate, lossSum: lossSum, lossCount: lossCount))
        }
        for _ in 1..<max(threads, 1) { finished.wait() }
        let seconds = elapsed()
        let done = context.tokensDone.load(ordering: .relaxed)
        let last = snapshot(done: done, learningRate: 0, lossSum: worker.lossSum, lossCount: worker.lossCount)
        worker.release()
        progress?(last)
        return Result(
            model: SkipGramModel(vocabulary: corpus.vocabulary, subwords: subwords, input: input, output: output),
            tokensProcessed: done, seconds: seconds, finalLoss: last.averageLoss)
    }
}
