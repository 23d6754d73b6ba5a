import Foundation
import Models
import Tensor
import Text

/// Mean cross-entropy (nats per token) of `model` over `stream`, as the recipe's `evaluate`:
/// eval mode, no gradients, state carried across windows, windows weighted by their length.
public func evaluateLoss(_ model: any LanguageModel, on stream: BatchedStream, bptt: Int) -> Double {
    let (loss, tokens) = evaluateLossSum(model, on: stream, bptt: bptt)
    return tokens > 0 ? loss / Double(tokens) : .nan
}

/// The cross-entropy summed over every target token of `stream` (nats), and the number of those
/// tokens: the parts of `evaluateLoss` that add up across shards of the columns.
public func evaluateLossSum(_ model: any LanguageModel, on stream: BatchedStream, bptt: Int) -> (loss: Double, tokens: Int) {
    model.eval()
    defer { model.train() }
    return withNoGrad {
        var state = model.initialState(batchSize: stream.batchSize)
        var total = 0.0, count = 0
        for i in stream.windowStarts(bptt: bptt) {
            let (input, target, seqLen) = stream.batch(at: i, bptt: bptt)
            let (logits, next) = model(input, seqLen: seqLen, batchSize: stream.batchSize, state: state)
            let tokens = seqLen * stream.batchSize
            total += Double(tokens) * Double(Tensor.crossEntropy(logits: logits, targets: target).item)
            count += tokens
            state = next
        }
        return (total, count)
    }
}

/// e^loss, the recipe's perplexity (infinite when the loss overflows).
public func perplexity(_ loss: Double) -> Double { Foundation.exp(Swift.min(loss, 700)) }
