import Synchronization

/// Everything the training threads share: the corpus, tables and matrices behind raw pointers,
/// and the count of tokens processed so far, which drives the learning-rate schedule and the end.
final class TrainingContext: @unchecked Sendable {
    let configuration: SkipGramConfiguration
    let tokens: PinnedBuffer<Int32>
    let lineEnds: PinnedBuffer<Int>
    let subwordOffsets: PinnedBuffer<Int>
    let subwordRows: PinnedBuffer<Int32>
    let selfWeights: PinnedBuffer<Float>
    let keepProbability: PinnedBuffer<Float>
    let aliasProbability: PinnedBuffer<Float>
    let alias: PinnedBuffer<Int32>
    let sigmoid: PinnedBuffer<Float>
    let positiveLoss: PinnedBuffer<Float>
    let negativeLoss: PinnedBuffer<Float>
    let input: EmbeddingMatrix
    let output: EmbeddingMatrix
    let vocabularySize: Int
    /// The most input rows any word has (its own and its n-grams).
    let maxRowsPerWord: Int
    /// Tokens to process in all: epochs × every token read (fastText's `epoch × ntokens`).
    let totalTokens: Int
    let tokensDone = Atomic<Int>(0)

    init(
        corpus: SkipGramCorpus, subwords: SubwordTable, configuration: SkipGramConfiguration,
        input: EmbeddingMatrix, output: EmbeddingMatrix
    ) {
        self.configuration = configuration
        tokens = PinnedBuffer(corpus.tokens)
        lineEnds = PinnedBuffer(corpus.lineEnds)
        subwordOffsets = PinnedBuffer(subwords.offsets)
        subwordRows = PinnedBuffer(subwords.rows)
        selfWeights = PinnedBuffer(subwords.selfWeights)
        keepProbability = PinnedBuffer(
            Subsampling.keepProbabilities(corpus.vocabulary, threshold: configuration.samplingThreshold))
        let sampler = NegativeSampler(counts: corpus.vocabulary.counts, power: configuration.negativePower)
        aliasProbability = PinnedBuffer(sampler.probability)
        alias = PinnedBuffer(sampler.alias)
        let table = SigmoidTable()
        sigmoid = PinnedBuffer(table.sigmoid)
        positiveLoss = PinnedBuffer(table.positiveLoss)
        negativeLoss = PinnedBuffer(table.negativeLoss)
        (self.input, self.output) = (input, output)
        vocabularySize = corpus.vocabulary.count
        maxRowsPerWord = zip(subwords.offsets.dropFirst(), subwords.offsets).map { $0 - $1 }.max() ?? 1
        totalTokens = configuration.epochs * corpus.vocabulary.tokenCount
    }

    var lineCount: Int { lineEnds.count }
}
