import Models
import NN
import Tensor
import Testing

/// The state a model carries between BPTT windows makes two windows score exactly like one long
/// window: every position sees the same context however the text is cut.
@Suite struct StateCarryTests {
    static let kinds: [ModelConfig] = [
        ModelConfig(kind: .nplm, vocabularySize: 13, emsize: 4, nhid: 5, ngram: 4),
        ModelConfig(kind: .nplm, vocabularySize: 13, emsize: 4, nhid: 5, ngram: 5, hiddenActivation: .linear),
        ModelConfig(kind: .ngramRNN, vocabularySize: 13, emsize: 4, nhid: 5, ngram: 4),
        ModelConfig(kind: .ngramRNN, vocabularySize: 13, emsize: 4, nhid: 5, nlayers: 1, ngram: 5, backpropSteps: 2),
        ModelConfig(kind: .lstm, vocabularySize: 13, emsize: 4, nhid: 5),
        ModelConfig(kind: .lstm, vocabularySize: 13, emsize: 4, nhid: 5, context: .previousSentence),
        ModelConfig(kind: .gru, vocabularySize: 13, emsize: 3, nhid: 4, nlayers: 1, context: .previousSentence),
        ModelConfig(kind: .rnnRelu, vocabularySize: 13, emsize: 4, nhid: 4, context: .previousSentence),
        ModelConfig(kind: .gatedCNN, vocabularySize: 13, emsize: 4, nhid: 5, nlayers: 3, kernelSize: 3),
        ModelConfig(kind: .gatedCNNRNN, vocabularySize: 13, emsize: 5, nhid: 5, nlayers: 2, kernelSize: 2, rnnLayers: 2),
        ModelConfig(kind: .attentionLSTM, vocabularySize: 13, emsize: 4, nhid: 5, attentionWindow: 3),
        ModelConfig(
            kind: .charCNN, vocabularySize: 13, nhid: 5, charEmsize: 3, maxFilterWidth: 3, featureMaps: 2,
            characters: 14, maxWordLength: 5)  // "w0" … "w12": w and ten digits
    ]

    @Test(arguments: kinds)
    func twoWindowsScoreLikeOne(_ config: ModelConfig) throws {
        // A sentence context ends its sentences at <eos>: id 0 then.
        let contextual = config.context != nil
        let words = (contextual ? ["<eos>"] : ["w0"]) + (1..<13).map { "w\($0)" }
        let model = try makeLanguageModel(config, words: words, generator: RandomGenerator(seed: 3))
        model.eval()
        let rng = RandomGenerator(seed: 9)
        let (steps, batch) = (7, 2)
        // With a context, ids below 4 become <eos> (about one word in three), so sentences end
        // inside windows and run across their boundaries.
        let ids = (0..<(steps * batch)).map { _ in Int(rng.next() % 13) }.map { contextual && $0 < 4 ? 0 : $0 }
        withNoGrad {
            let whole = model(ids, seqLen: steps, batchSize: batch, state: model.initialState(batchSize: batch)).logits
            var state = model.initialState(batchSize: batch)
            var parts: [Tensor] = []
            for (start, length) in [(0, 1), (1, 2), (3, 4)] {  // windows shorter than the context, too
                let window = Array(ids[(start * batch)..<((start + length) * batch)])
                let (logits, next) = model(window, seqLen: length, batchSize: batch, state: state)
                parts.append(logits)
                state = next
            }
            let split = Tensor.concat(parts, axis: 0)
            #expect(split.shape == whole.shape)
            let worst = zip(split.scalars, whole.scalars).map { abs($0 - $1) }.max() ?? 0
            #expect(worst < 1e-5, "\(config.kind.rawValue): windows differ from one pass by \(worst)")
        }
    }
}
