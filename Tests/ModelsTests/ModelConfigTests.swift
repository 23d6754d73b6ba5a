import Foundation
import Models
import Testing

@Suite struct ModelConfigTests {
    /// A config as checkpoints wrote it before the kind-specific fields existed.
    @Test func decodesAnOlderCheckpointsConfig() throws {
        let json = #"{"kind":"LSTM","vocabularySize":33,"emsize":16,"nhid":16,"nlayers":2,"nhead":2,"dropout":0.2,"tied":false}"#
        let config = try JSONDecoder().decode(ModelConfig.self, from: Data(json.utf8))
        #expect(config == ModelConfig(kind: .lstm, vocabularySize: 33, emsize: 16, nhid: 16))
        #expect(config.ngram == nil && config.attentionWindow == nil && config.characters == nil)
        try config.validate()
    }

    @Test func resolvedSpellsOutTheKindsDefaultsAndRoundTrips() throws {
        let nplm = ModelConfig(kind: .nplm, vocabularySize: 10).resolved()
        #expect(nplm.ngram == 4 && nplm.hiddenActivation == .tanh && nplm.kernelSize == nil)
        let decoded = try JSONDecoder().decode(ModelConfig.self, from: JSONEncoder().encode(nplm))
        #expect(decoded == nplm)
        #expect(ModelConfig(kind: .lstm, vocabularySize: 10).resolved() == ModelConfig(kind: .lstm, vocabularySize: 10))
        // NGRAM_RNN: backpropagation through all n − 1 steps unless told otherwise.
        let rnn = ModelConfig(kind: .ngramRNN, vocabularySize: 10, ngram: 6).resolved()
        #expect(rnn.ngram == 6 && rnn.backpropSteps == 5 && rnn.hiddenActivation == nil)
        #expect(try JSONDecoder().decode(ModelConfig.self, from: JSONEncoder().encode(rnn)) == rnn)
        #expect(ModelConfig(kind: .ngramRNN, vocabularySize: 10, backpropSteps: 1).resolved().backpropSteps == 1)
    }

    @Test(arguments: [
        (ModelConfig(kind: .lstm, vocabularySize: 10, ngram: 3), "--ngram does not apply to LSTM (only to NPLM, NGRAM_RNN)"),
        (
            ModelConfig(kind: .nplm, vocabularySize: 10, backpropSteps: 2),
            "--backprop-steps does not apply to NPLM (only to NGRAM_RNN)"
        ),
        (ModelConfig(kind: .ngramRNN, vocabularySize: 10, ngram: 1), "--ngram must be in 2…64, got 1"),
        (
            ModelConfig(kind: .ngramRNN, vocabularySize: 10, backpropSteps: 0),
            "--backprop-steps must be in 1…3 (the context words of a 4-gram), got 0"
        ),
        (
            ModelConfig(kind: .ngramRNN, vocabularySize: 10, ngram: 3, backpropSteps: 3),
            "--backprop-steps must be in 1…2 (the context words of a 3-gram), got 3"
        ),
        (
            ModelConfig(kind: .ngramRNN, vocabularySize: 10, ngram: 3, backpropSteps: .min),
            "--backprop-steps must be in 1…2 (the context words of a 3-gram), got \(Int.min)"
        ),
        (
            ModelConfig(kind: .gru, vocabularySize: 10, attentionWindow: 4),
            "--attention-window does not apply to GRU (only to AttentionLSTM)"
        ),
        (
            ModelConfig(kind: .nplm, vocabularySize: 10, kernelSize: 3),
            "--kernel-size does not apply to NPLM (only to GatedCNN, GatedCNN_RNN)"
        ),
        (ModelConfig(kind: .nplm, vocabularySize: 10, ngram: 1), "--ngram must be in 2…64, got 1"),
        (
            ModelConfig(kind: .nplm, vocabularySize: 10, emsize: 8, nhid: 6, tied: true),
            "--tied needs --nhid equal to --emsize (got nhid 6, emsize 8)"
        )
    ])
    func rejectsFlagsThatDoNotFit(_ c: (ModelConfig, String)) {
        #expect(throws: ModelConfigError(description: c.1)) { try c.0.validate() }
    }

    /// A sentence context travels in the configuration as its flag spells it; `none` is not spelled
    /// out, so a plain model's configuration encodes as before the field existed.
    @Test func aSentenceContextIsSpelledOutAndNoneIsNot() throws {
        let context = ModelConfig(kind: .gru, vocabularySize: 10, context: .previousSentence).resolved()
        let json = String(decoding: try JSONEncoder().encode(context), as: UTF8.self)
        #expect(json.contains(#""context":"previous-sentence""#), "\(json)")
        #expect(try JSONDecoder().decode(ModelConfig.self, from: Data(json.utf8)) == context)
        let none = ModelConfig(kind: .lstm, vocabularySize: 10, context: SentenceContext.none).resolved()
        #expect(none == ModelConfig(kind: .lstm, vocabularySize: 10))
    }

    /// Sentences end at <eos>: a vocabulary without it would leave the context zero for good.
    @Test func aSentenceContextNeedsEndOfSentence() throws {
        let config = ModelConfig(kind: .lstm, vocabularySize: 3, emsize: 4, nhid: 4, nlayers: 1, context: .previousSentence)
        #expect(
            throws: ModelConfigError(
                description:
                    "--context previous-sentence needs <eos> in the vocabulary (sentences end there; the word tokenizer ends every line with it)"
            )
        ) { try makeLanguageModel(config, words: ["a", "b", "c"]) }
        #expect(throws: Never.self) { try makeLanguageModel(config, words: ["a", "<eos>", "c"]) }
        #expect(
            throws: ModelConfigError(
                description:
                    "--tied does not fit --context previous-sentence: the decoder reads nhid + emsize features (the output and the context), the embedding has emsize"
            )
        ) {
            var tied = config
            tied.tied = true
            try tied.validate()
        }
    }
}
