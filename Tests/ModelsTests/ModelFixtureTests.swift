import Foundation
import Models
import NN
import Tensor
import Testing

/// One training window of each model kind against PyTorch (scripts/fixtures/models.py, with the
/// models of scripts/recipe_torch.py and scripts/zoo_torch.py): the same weights and carried state
/// give the same log-probabilities, loss, gradients and next state.
@Suite struct ModelFixtureTests {
    /// Relative tolerance (|a − ref| / (1 + |ref|)), the issue's bound.
    static let tolerance: Float = 1e-4
    /// GPT's, NGRAM_RNN's and the sentence context's bound (issues 22 and 19): every logit and
    /// gradient within 1e-5 of PyTorch's.
    static func tolerance(_ config: ModelConfig) -> Float {
        [.gpt, .ngramRNN].contains(config.kind) || config.sentenceContext != .none ? 1e-5 : tolerance
    }

    @Test(arguments: ModelFixture.all)
    func matchesPyTorch(_ name: String) throws {
        let f = try ModelFixture(name)
        let config = try f.config
        let model = try makeLanguageModel(config, words: f.words, generator: RandomGenerator(seed: 1))
        try model.loadStateDict(f.group("param."))
        model.train()
        let input = try f("input")
        let (seqLen, batch) = (input.shape[0], input.shape[1])
        let (logits, next) = model(
            try f.ids("input"), seqLen: seqLen, batchSize: batch,
            state: try f.state("state.", config: config))
        let loss = Tensor.crossEntropy(logits: logits, targets: try f.ids("target"))
        var errors: [(String, Float)] = [
            ("logprobs", ModelFixture.error(logits.logSoftmax(), try f("logprobs"))),
            ("loss", ModelFixture.error(loss, try f("loss")))
        ]
        loss.backward()
        let grads = f.group("grad.")
        #expect(Set(model.namedParameters().map(\.0)) == Set(grads.keys), "\(name): parameter names differ from PyTorch's")
        for (pname, p) in model.namedParameters() {
            guard let reference = grads[pname] else { continue }
            errors.append(("grad \(pname)", ModelFixture.error(p.grad ?? Tensor.zeros(p.shape), reference)))
        }
        let expectedNext = f.group("next.")
        let ours = stateParts(next, batch: batch)
        #expect(
            Set(ours.keys) == Set(expectedNext.keys),
            "\(name): next state parts \(ours.keys.sorted()) vs \(expectedNext.keys.sorted())")
        for (part, reference) in expectedNext {
            if let t = ours[part] { errors.append(("next \(part)", ModelFixture.error(t, reference))) }
        }
        let worst = errors.max { $0.1 < $1.1 }
        print("\(name): worst relative error \(worst.map { "\($0.1) (\($0.0))" } ?? "none") over \(errors.count) comparisons")
        let tolerance = Self.tolerance(config)
        for (what, error) in errors {
            #expect(error <= tolerance, "\(name) \(what): error \(error) > \(tolerance)")
        }
    }
}
