import Foundation
import Models
import NN
import Tensor
import Testing
import Text
import Train

@Suite struct ClassifierModelTests {
    static func tiny(_ kind: ClassifierKind, pool: SentencePooling = .last) -> ClassifierConfig {
        ClassifierConfig(
            kind: kind, vocabularySize: 7, classCount: 3, emsize: 4, filterWidths: [2, 3], featureMaps: 3,
            nhid: 5, pool: pool, dropout: 0.5)
    }

    static let batch = PaddedBatch([[2, 3, 4, 5], [6, 2]], classes: [0, 2], minimumLength: 3)

    @Test(arguments: [tiny(.cnn), tiny(.lstm, pool: .last), tiny(.lstm, pool: .mean)])
    func gradientsMatchFiniteDifferences(config: ClassifierConfig) throws {
        let model = try makeSentenceClassifier(config, generator: RandomGenerator(seed: 3))
        model.eval()
        let b = Self.batch
        let result = GradCheck.check(model.parameters(), eps: 1e-3, atol: 2e-3, rtol: 2e-2) { _ in
            model(b.ids, batchSize: b.batchSize, length: b.length, lengths: b.lengths)
        }
        #expect(result.passed, "\(config.kind) \(config.pool): \(result)")
    }

    @Test func maxNormRescalesOnlyLongRows() {
        let w = Tensor(shape: [3, 2], [3, 4, 0.6, 0.8, 0, -6])
        MaxNorm.apply(to: w, maxNorm: 3)
        let expected: [Float] = [1.8, 2.4, 0.6, 0.8, 0, -3]
        for (a, e) in zip(w.scalars, expected) { #expect(abs(a - e) < 1e-6, "\(w.scalars)") }
    }

    @Test func constrainKeepsOutputRowsWithinTheNormAndPadAtZero() throws {
        let model = try makeSentenceClassifier(Self.tiny(.cnn), generator: RandomGenerator(seed: 1))
        let w = model.output.weight
        for i in 0..<w.count { w.pointer[i] = Float(i) }
        model.embedding.weight.pointer[1] = 5
        model.constrain()
        for r in 0..<3 {
            let norm = (0..<w.shape[1]).map { w.pointer[r * w.shape[1] + $0] }.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(norm <= 3 + 1e-5)
        }
        #expect(model.embedding.weight.pointer[1] == 0)
    }

    /// An LSTM sentence's scores do not depend on the padding its batch adds: padding follows the
    /// pooled states. (The CNN's can, as in Kim's model: a window over `<pad>` gives the bias alone.)
    @Test(arguments: [tiny(.lstm, pool: .last), tiny(.lstm, pool: .mean)])
    func paddingDoesNotChangeScores(config: ClassifierConfig) throws {
        let model = try makeSentenceClassifier(config, generator: RandomGenerator(seed: 5))
        model.eval()
        let alone = PaddedBatch([[6, 2]], classes: [0])
        let padded = PaddedBatch([[6, 2], [2, 3, 4, 5, 6, 2]], classes: [0, 0])
        let a = model(alone.ids, batchSize: 1, length: alone.length, lengths: alone.lengths)
        let p = model(padded.ids, batchSize: 2, length: padded.length, lengths: padded.lengths)
        for j in 0..<3 { #expect(abs(a.pointer[j] - p.pointer[j]) < 1e-5) }
    }

    @Test func cnnAcceptsSentencesShorterThanItsFilters() throws {
        let model = try makeSentenceClassifier(Self.tiny(.cnn))
        let batch = sentenceBatches(
            EncodedSentences(sentences: [[2], []], classes: [0, 1]), order: [0, 1], batchSize: 2,
            minimumLength: model.config.minimumLength)
        #expect(batch.count == 1 && batch[0].length == 3)
        let logits = model(batch[0].ids, batchSize: 2, length: batch[0].length, lengths: batch[0].lengths)
        #expect(logits.shape == [2, 3] && logits.scalars.allSatisfy(\.isFinite))
    }

    @Test func checkpointRoundTripKeepsScoresVocabularyAndLabels() throws {
        let model = try makeSentenceClassifier(Self.tiny(.cnn), generator: RandomGenerator(seed: 2))
        let vocabulary = Vocabulary(words: ["<pad>", "<unk>", "a", "b", "c", "d", "e"])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("perplex-cls-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try ClassifierCheckpoint.save(model, vocabulary: vocabulary, labels: [0, 4, 9], to: url)
        let loaded = try ClassifierCheckpoint.load(url)
        #expect(loaded.labels == [0, 4, 9] && loaded.vocabulary == vocabulary && loaded.model.config == model.config)
        model.eval()
        let b = Self.batch
        let before = model(b.ids, batchSize: 2, length: b.length, lengths: b.lengths).scalars
        let after = loaded.model(b.ids, batchSize: 2, length: b.length, lengths: b.lengths).scalars
        #expect(before == after)
    }

    @Test func impossibleConfigurationsAreErrors() {
        var config = Self.tiny(.cnn)
        config.classCount = 1
        #expect(throws: ModelConfigError.self) { try makeSentenceClassifier(config) }
        config = Self.tiny(.cnn)
        config.dropout = 1
        #expect(throws: ModelConfigError.self) { try makeSentenceClassifier(config) }
    }
}
