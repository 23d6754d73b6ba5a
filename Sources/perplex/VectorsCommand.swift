import Analysis
import ArgumentParser
import Foundation
import Tensor
import Text
import Vectors

/// `perplex vectors`: skip-gram word vectors with negative sampling, fastText's `skipgram`.
struct TrainVectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectors",
        abstract: "Train skip-gram word vectors (negative sampling, character n-grams) and write a .vec file.",
        discussion: """
            fastText's skipgram: whitespace tokens with </s> for each newline, sub-sampling of frequent words, \
            a random window of 1...ws words each side, negative sampling, a learning rate falling linearly to 0, \
            lock-free threads. A word's vector is the mean of its own row and its character n-gram rows \
            (--maxn 0: no n-grams). fastText's spellings work too (--minCount, --epochs, --threads).
            """)

    @Option(parsing: .upToNextOption, help: "One or more training text files, read in order as one corpus.") var input: [String] =
        []
    @Option(help: "The .vec file to write.") var output: String
    @Option(parsing: .unconditional, help: "Vector length.") var dim = 100
    @Option(name: [.customLong("epoch"), .customLong("epochs")], parsing: .unconditional, help: "Passes over the text.")
    var epoch = 5
    @Option(
        name: [.customLong("ws"), .customLong("window")], parsing: .unconditional,
        help: "Largest context window (drawn from 1...ws).") var ws = 5
    @Option(parsing: .unconditional, help: "Negative words per context word.") var neg = 5
    @Option(
        name: [.customLong("min-count"), .customLong("minCount"), .customLong("min_count")], parsing: .unconditional,
        help: "Drop words seen fewer times.") var minCount = 5
    @Option(parsing: .unconditional, help: "Starting learning rate (falls linearly to 0).") var lr: Float = 0.05
    @Option(
        name: [.customLong("thread"), .customLong("threads")], parsing: .unconditional,
        help: "Training threads (defaults to the number of cores).")
    var thread = ProcessInfo.processInfo.activeProcessorCount
    @Option(parsing: .unconditional, help: "Shortest character n-gram.") var minn = 3
    @Option(parsing: .unconditional, help: "Longest character n-gram; 0 turns subwords off.") var maxn = 6
    @Option(parsing: .unconditional, help: "Hash buckets for character n-grams.") var bucket = 2_000_000
    @Option(name: [.customLong("t"), .customShort("t")], parsing: .unconditional, help: "Sub-sampling threshold.") var t = 1e-4
    @Option(
        name: [.customLong("neg-power"), .customLong("negPower")], parsing: .unconditional,
        help: "Negatives are drawn by count^power (word2vec 0.75, fastText 0.5).") var negPower = 0.75
    @Option(parsing: .unconditional, help: "Random seed (initial vectors and each thread's stream).") var seed: UInt64 = 0
    @Option(
        name: [.customLong("oov-words")],
        help: "A file of extra words (whitespace-separated): those outside the vocabulary get vectors from their n-grams.")
    var oovWords: String?

    func run() throws {
        var configuration = SkipGramConfiguration()
        configuration.dimension = dim
        configuration.epochs = epoch
        configuration.windowSize = ws
        configuration.negatives = neg
        configuration.minCount = minCount
        configuration.learningRate = lr
        configuration.threads = thread
        configuration.minN = minn
        configuration.maxN = maxn
        configuration.buckets = bucket
        configuration.samplingThreshold = t
        configuration.negativePower = negPower
        configuration.seed = seed
        do { try configuration.validate() } catch { throw fail("\(error)") }
        guard !input.isEmpty else { throw fail("give at least one --input file") }
        try checkOutput(output)
        let extraWords = try readExtraWords()

        let clock = ContinuousClock()
        let started = clock.now
        let corpus: SkipGramCorpus
        do { corpus = try SkipGramCorpus(contentsOf: input, minCount: minCount) } catch { throw fail("\(error)") }
        let readSeconds = (clock.now - started).seconds
        let vocabulary = corpus.vocabulary
        print(
            "| read \(vocabulary.tokenCount) tokens in \(format(readSeconds, 2)) s: \(vocabulary.count) words seen at least \(minCount) times"
        )

        let trainer: SkipGramTrainer
        do { trainer = try SkipGramTrainer(corpus: corpus, configuration: configuration) } catch { throw fail("\(error)") }
        let printer = ProgressPrinter()
        let result = trainer.train { printer.show($0) }
        let seconds = (clock.now - started).seconds
        let scheduled = epoch * vocabulary.tokenCount
        print(
            "| trained \(epoch) epochs of \(vocabulary.tokenCount) tokens in \(format(seconds, 3)) s (threads \(format(result.seconds, 3)) s):"
                + " \(Int((Double(scheduled) / seconds).rounded())) words/s, \(thread) threads, loss \(format(result.finalLoss, 4))"
        )

        var words = vocabulary.words
        var values = result.model.wordVectorMatrix()
        var fromSubwords = 0
        for word in extraWords where vocabulary.id(of: word) == nil && !words.contains(word) {
            guard let vector = result.model.vector(for: word) else { continue }
            words.append(word)
            values += vector
            fromSubwords += 1
        }
        let vectors: WordVectors
        do { vectors = try WordVectors(words: words, matrix: Tensor(shape: [words.count, dim], values)) } catch {
            throw fail("\(error)")
        }
        do { try vectors.writeVecFile(to: URL(fileURLWithPath: output)) } catch { throw writeFailure(output, error) }
        let extra = oovWords == nil ? "" : " (\(fromSubwords) of them from n-grams)"
        print("| wrote \(vectors.count) vectors of dimension \(dim) to \(output)\(extra)")
    }

    private func readExtraWords() throws -> [String] {
        guard let oovWords else { return [] }
        let text: String
        do { text = try Corpus.readFile(oovWords) } catch { throw fail("\(error)") }
        var seen = Set<String>()
        return text.split(whereSeparator: \.isWhitespace).map(String.init).filter { seen.insert($0).inserted }
    }
}

/// fastText's progress line on stderr: rewritten in place on a terminal, else one line every few seconds.
private final class ProgressPrinter {
    private let terminal = isatty(STDERR_FILENO) == 1
    private var lastLine = -Double.infinity

    func show(_ progress: TrainingProgress) {
        let finished = progress.fraction >= 1
        if terminal {
            FileHandle.standardError.write(Data("\r\(progress.line)\(finished ? "\n" : "")".utf8))
        } else if finished || progress.elapsed - lastLine >= 5 {
            lastLine = progress.elapsed
            FileHandle.standardError.write(Data("\(progress.line)\n".utf8))
        }
    }
}

private func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
