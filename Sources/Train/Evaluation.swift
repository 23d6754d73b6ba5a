import Foundation
import Models
import Tensor
import Text

/// A model's score on a token stream.
public struct Evaluation: Sendable {
    /// Mean cross-entropy, nats per token.
    public var loss: Double
    /// Share of positions whose target has the highest logit (top-1 next-word accuracy).
    public var accuracy: Double
    /// Positions scored.
    public var tokens: Int

    public var perplexity: Double { Foundation.exp(Swift.min(loss, 700)) }

    /// The score from the sums that add up across shards of the columns.
    public init(sums: Sums) {
        tokens = sums.tokens
        loss = sums.tokens > 0 ? sums.loss / Double(sums.tokens) : .nan
        accuracy = sums.tokens > 0 ? Double(sums.hits) / Double(sums.tokens) : .nan
    }

    /// Cross-entropy summed over the scored positions (nats), top-1 hits and positions.
    public struct Sums: Sendable {
        public var loss = 0.0, hits = 0, tokens = 0
        public init() {}
    }
}

/// Loss and accuracy of `model` over `stream`, as the recipe's `evaluate`: eval mode, no
/// gradients, state carried across windows, every position weighted alike.
public func evaluate(_ model: any LanguageModel, on stream: BatchedStream, bptt: Int) -> Evaluation {
    Evaluation(sums: evaluationSums(model, on: stream, bptt: bptt))
}

/// The parts of `evaluate` that add up across shards of the columns.
public func evaluationSums(_ model: any LanguageModel, on stream: BatchedStream, bptt: Int) -> Evaluation.Sums {
    model.eval()
    // Evaluation's shapes (its batch size) differ from training's: hand the cached training
    // buffers back first and the evaluation ones after, so the two working sets never add up.
    BufferCache.empty()
    defer { model.train(); BufferCache.empty() }
    return withNoGrad {
        var state = model.initialState(batchSize: stream.batchSize)
        var sums = Evaluation.Sums()
        // The weights stay put for the whole pass: pack the decoder once, and score its logits
        // tile by tile without writing them.
        let decoder = PackedLinear(weight: model.decoder.weight, bias: model.decoder.bias)
        for i in stream.windowStarts(bptt: bptt) {
            let (input, target, seqLen) = stream.batch(at: i, bptt: bptt)
            let (features, next) = model.features(input, seqLen: seqLen, batchSize: stream.batchSize, state: state)
            let totals = decoder.crossEntropyTotals(features, targets: target)
            sums.loss += totals.loss
            sums.hits += totals.hits
            sums.tokens += totals.count
            state = next
        }
        return sums
    }
}

/// e^loss, the recipe's perplexity (infinite when the loss overflows).
public func perplexity(_ loss: Double) -> Double { Foundation.exp(Swift.min(loss, 700)) }
