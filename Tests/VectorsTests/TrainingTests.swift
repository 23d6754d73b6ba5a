import Testing
import Text
import Vectors

/// Training on small synthetic corpora with planted structure.
@Suite struct TrainingTests {
    /// Six topics of five made-up words; every line draws its words from one topic, so words of a
    /// topic share their contexts and nothing else.
    static func topicCorpus(lines: Int, seed: UInt64) -> (text: String, topics: [[String]]) {
        var random = SplitMix64(seed: seed)
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var seen = Set<String>()
        var topics: [[String]] = []
        while topics.count < 6 {
            var topic: [String] = []
            while topic.count < 5 {
                let word = String((0..<6).map { _ in letters[random.next(below: letters.count)] })
                if seen.insert(word).inserted { topic.append(word) }
            }
            topics.append(topic)
        }
        var text = ""
        for _ in 0..<lines {
            let topic = topics[random.next(below: topics.count)]
            text += (0..<8).map { _ in topic[random.next(below: topic.count)] }.joined(separator: " ") + "\n"
        }
        return (text, topics)
    }

    func configuration(subwords: Bool) -> SkipGramConfiguration {
        var configuration = SkipGramConfiguration()
        configuration.dimension = 16
        configuration.epochs = 5
        configuration.minCount = 1
        configuration.threads = 1
        configuration.samplingThreshold = 1  // no sub-sampling on a corpus this small
        configuration.maxN = subwords ? 6 : 0
        configuration.buckets = 50_000
        configuration.seed = 7
        return configuration
    }

    func nearestNeighbour(of id: Int, in model: SkipGramModel) -> Int {
        let vectors = (0..<model.vocabulary.count).map { model.vector(ofWord: $0) }
        func cosine(_ a: [Float], _ b: [Float]) -> Float {
            let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
            let norms = (a.reduce(0) { $0 + $1 * $1 } * b.reduce(0) { $0 + $1 * $1 }).squareRoot()
            return norms > 0 ? dot / norms : 0
        }
        return vectors.indices.filter { $0 != id }.max { cosine(vectors[id], vectors[$0]) < cosine(vectors[id], vectors[$1]) }
            ?? id
    }

    @Test(arguments: [false, true])
    func wordsOfATopicAreNearestNeighbours(subwords: Bool) throws {
        let (text, topics) = Self.topicCorpus(lines: 1500, seed: 1)
        let corpus = try SkipGramCorpus(text: text, minCount: 1)
        let result = try SkipGramTrainer(corpus: corpus, configuration: configuration(subwords: subwords)).train()
        let model = result.model
        #expect(result.tokensProcessed >= 5 * corpus.vocabulary.tokenCount)
        var topicOf: [String: Int] = [:]
        for (t, topic) in topics.enumerated() { for word in topic { topicOf[word] = t } }
        for (id, word) in model.vocabulary.words.enumerated() where word != "</s>" {
            let neighbour = model.vocabulary.words[nearestNeighbour(of: id, in: model)]
            #expect(topicOf[neighbour] == topicOf[word], "\(word)'s nearest neighbour \(neighbour) is in another topic")
        }
    }

    @Test func oneThreadIsDeterministicAndLossFalls() throws {
        let (text, _) = Self.topicCorpus(lines: 300, seed: 2)
        let corpus = try SkipGramCorpus(text: text, minCount: 1)
        var losses: [Double] = []
        let trainer = try SkipGramTrainer(corpus: corpus, configuration: configuration(subwords: true))
        let first = trainer.train()
        let second = trainer.train { losses.append($0.averageLoss) }
        #expect(first.model.wordVectorMatrix() == second.model.wordVectorMatrix())
        // Mean loss per pair starts near (1 + neg) · log 2 ≈ 4.16 and must end well below it.
        #expect(first.finalLoss < 3, "final loss \(first.finalLoss)")
    }

    /// Updating the hidden vector in place (once per centre word) gives what fastText's literal
    /// order gives (recompute it for every context word, update the rows after each), even for
    /// words whose n-grams repeat ("aaaa" has "aaa" twice) and with few buckets (collisions).
    /// One negative, so the batched dot products cannot meet a repeated negative.
    @Test func inPlaceHiddenUpdateMatchesFastTextsOrder() throws {
        let text = String(repeating: "aaaa abab baba aaaa bbbb abba aaaa\nbaba abab bbbb aaab\n", count: 60)
        let corpus = try SkipGramCorpus(text: text, minCount: 1)
        var configuration = configuration(subwords: true)
        configuration.negatives = 1
        configuration.buckets = 7
        let fast = try SkipGramTrainer(corpus: corpus, configuration: configuration).train().model.wordVectorMatrix()
        configuration.literalUpdateOrder = true
        let literal = try SkipGramTrainer(corpus: corpus, configuration: configuration).train().model.wordVectorMatrix()
        let scale = literal.map(abs).max() ?? 1
        let difference = zip(fast, literal).map { abs($0 - $1) }.max() ?? 0
        #expect(scale > 0.01)
        #expect(difference < 1e-3 * scale, "largest difference \(difference), largest value \(scale)")
    }

    @Test func settingsOutsideTheirRangeAreNamed() {
        var bad = SkipGramConfiguration()
        bad.dimension = 0
        #expect(throws: VectorsError.invalidSetting(name: "dim", value: "0", requirement: "must be at least 1")) {
            try bad.validate()
        }
        bad = SkipGramConfiguration()
        (bad.minN, bad.maxN) = (5, 4)
        #expect(throws: VectorsError.invalidSetting(name: "minn", value: "5", requirement: "must not exceed --maxn 4")) {
            try bad.validate()
        }
        bad.maxN = 0  // no subwords: minn does not matter
        #expect(throws: Never.self) { try bad.validate() }
    }
}
