import Models
import Tensor
import Text

/// Splits encoded sentences into padded batches of `batchSize`, in `order` (the last batch may be
/// smaller). Each batch pads to its own longest sentence and at least `minimumLength`.
public func sentenceBatches(_ data: EncodedSentences, order: [Int], batchSize: Int, minimumLength: Int) -> [PaddedBatch] {
    stride(from: 0, to: order.count, by: batchSize).map { start in
        let indices = Array(order[start..<min(start + batchSize, order.count)])
        return PaddedBatch(
            indices.map { data.sentences[$0] }, classes: indices.map { data.classes[$0] },
            minimumLength: minimumLength)
    }
}

/// Class probabilities [count, classes] of `model` on `data` (eval mode, no gradients), batched.
public func classProbabilities(_ model: any SentenceClassifier, on data: EncodedSentences, batchSize: Int = 100) -> [[Float]] {
    model.eval()
    defer { model.train() }
    return withNoGrad {
        var result: [[Float]] = []
        for batch in sentenceBatches(
            data, order: Array(0..<data.count), batchSize: batchSize,
            minimumLength: model.config.minimumLength)
        {
            let p = model(batch.ids, batchSize: batch.batchSize, length: batch.length, lengths: batch.lengths).softmax()
            let k = model.config.classCount
            for b in 0..<batch.batchSize { result.append(Array(UnsafeBufferPointer(start: p.pointer + b * k, count: k))) }
        }
        return result
    }
}

/// The most probable class of each sentence.
public func predictClasses(_ model: any SentenceClassifier, on data: EncodedSentences) -> [Int] {
    classProbabilities(model, on: data).map { p in p.indices.max { p[$0] < p[$1] } ?? 0 }
}
