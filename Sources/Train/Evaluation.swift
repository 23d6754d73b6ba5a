import Foundation
import Models
import Tensor
import Text

/// Mean cross-entropy (nats per token) of `model` over `stream`, as the recipe's `evaluate`:
/// eval mode, no gradients, state carried across windows, windows weighted by their length.
public func evaluateLoss(_ model: any LanguageModel, on stream: BatchedStream, bptt: Int) -> Double {
    model.eval()
    defer { model.train() }
    return withNoGrad {
        var state = model.initialState(batchSize: stream.batchSize)
        var total = 0.0, count = 0
        for i in stream.windowStarts(bptt: bptt) {
            let (input, target, seqLen) = stream.batch(at: i, bptt: bptt)
            let (logits, next) = model(input, seqLen: seqLen, batchSize: stream.batchSize, state: state)
            total += Double(seqLen) * Double(Tensor.crossEntropy(logits: logits, targets: target).item)
            count += seqLen
            state = next
        }
        return count > 0 ? total / Double(count) : .nan
    }
}

/// e^loss, the recipe's perplexity (infinite when the loss overflows).
public func perplexity(_ loss: Double) -> Double { Foundation.exp(Swift.min(loss, 700)) }
