import Models
import Tensor
import Testing
import Text
import Train

/// `evaluate` (the decoder packed once, its logits scored in column chunks without being stored,
/// the next window's forward pass run beside them, or before them for an LSTM heavier than its
/// decoder) against scoring every window's stored logits
/// with `Tensor.crossEntropyTotals`, for every model kind.
@Suite struct EvaluationTests {
    static let vocabulary = 600  // 38 panels of 16 columns: three 256-column chunks, the last partial
    static let kinds: [ModelConfig] = [
        ModelConfig(kind: .lstm, vocabularySize: vocabulary, emsize: 6, nhid: 7, nlayers: 2),
        // 4·40·(40 + 40)·2 = 25,600 recurrent multiply-adds per token against 40·600 in the decoder.
        ModelConfig(kind: .lstm, vocabularySize: vocabulary, emsize: 40, nhid: 40, nlayers: 2),
        ModelConfig(kind: .gru, vocabularySize: vocabulary, emsize: 6, nhid: 7),
        ModelConfig(kind: .transformer, vocabularySize: vocabulary, emsize: 8, nhid: 12, nlayers: 2, nhead: 2),
        ModelConfig(kind: .nplm, vocabularySize: vocabulary, emsize: 4, nhid: 5, ngram: 4),
        ModelConfig(kind: .ngramRNN, vocabularySize: vocabulary, emsize: 4, nhid: 5, ngram: 4, backpropSteps: 2),
        ModelConfig(kind: .gatedCNNRNN, vocabularySize: vocabulary, emsize: 5, nhid: 5, nlayers: 2, kernelSize: 2, rnnLayers: 2),
        ModelConfig(kind: .attentionLSTM, vocabularySize: vocabulary, emsize: 4, nhid: 5, attentionWindow: 3),
        ModelConfig(
            kind: .charCNN, vocabularySize: vocabulary, nhid: 5, charEmsize: 3, maxFilterWidth: 3, featureMaps: 2,
            characters: 14, maxWordLength: 6)  // "w0" … "w599": w and ten digits
    ]

    @Test(arguments: kinds)
    func evaluateMatchesScoringEveryWindowsLogits(_ config: ModelConfig) throws {
        let model = try makeLanguageModel(
            config, words: (0..<Self.vocabulary).map { "w\($0)" },
            generator: RandomGenerator(seed: 5))
        let rng = RandomGenerator(seed: 11)
        let stream = BatchedStream((0..<403).map { _ in Int(rng.next() % UInt64(Self.vocabulary)) }, batchSize: 4)
        let bptt = 7  // 100 rows: 14 full windows and a shorter last one
        let got = evaluate(model, on: stream, bptt: bptt)

        model.eval()
        defer { model.train() }
        var (loss, hits, count) = (0.0, 0, 0)
        withNoGrad {
            var state = model.initialState(batchSize: stream.batchSize)
            for i in stream.windowStarts(bptt: bptt) {
                let (input, target, seqLen) = stream.batch(at: i, bptt: bptt)
                let (logits, next) = model(input, seqLen: seqLen, batchSize: stream.batchSize, state: state)
                let totals = Tensor.crossEntropyTotals(logits: logits, targets: target)
                (loss, hits, count) = (loss + totals.loss, hits + totals.hits, count + totals.count)
                state = next
            }
        }
        #expect(got.tokens == count && count == 99 * 4)
        #expect(
            abs(got.loss * Double(count) - loss) <= 1e-5 * loss, "\(config.kind.rawValue): \(got.loss) vs \(loss / Double(count))"
        )
        #expect(got.accuracy == Double(hits) / Double(count), "\(config.kind.rawValue)")
    }
}
