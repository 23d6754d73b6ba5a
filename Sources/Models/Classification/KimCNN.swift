import NN
import Tensor

/// Kim (2014)'s CNN for sentence classification (CNN-rand without pretrained vectors):
///
///     ids [N, L] → embedding [N, L, E] → [N, E, L]
///       → for each width w: conv1d(E → maps, w) [N, maps, L−w+1] → ReLU → max over time [N, maps]
///       → concat [N, maps·widths] → dropout → linear → logits [N, classes]
///
/// L must be at least the widest filter (`PaddedBatch` pads to it). State-dict names:
/// `embedding.weight`, `convs.0.weight` …, `output.weight`, `output.bias`.
public final class KimCNN: Module, SentenceClassifier {
    public let config: ClassifierConfig
    public let embedding: Embedding
    let convs: [Conv1d]
    let drop: Dropout
    public let output: Linear

    public init(_ config: ClassifierConfig, generator: RandomGenerator = .global) {
        self.config = config
        embedding = kimEmbedding(config, generator)
        convs = config.filterWidths.map { Conv1d(config.emsize, config.featureMaps, kernelSize: $0, generator: generator) }
        drop = Dropout(config.dropout, generator: generator)
        output = Linear(config.featureMaps * config.filterWidths.count, config.classCount, generator: generator)
    }

    public func callAsFunction(_ ids: [Int], batchSize: Int, length: Int, lengths: [Int]) -> Tensor {
        precondition(length >= config.minimumLength, "KimCNN: length \(length) is shorter than the widest filter")
        let words = embedding(ids, shape: [batchSize, length]).permuted([0, 2, 1])
        let features = convs.map { conv in conv(words).relu().max(axis: 2) }
        return output(drop(Tensor.concat(features, axis: 1)))
    }
}
