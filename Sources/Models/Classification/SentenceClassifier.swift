import NN
import Tensor

/// A model that maps a padded batch of sentences to class scores.
public protocol SentenceClassifier: Module {
    var config: ClassifierConfig { get }
    /// The output layer, whose weight rows the max-norm constraint rescales.
    var output: Linear { get }
    /// The word vectors [vocabularySize, emsize]; row `<pad>` is kept at zero.
    var embedding: Embedding { get }
    /// ids [batch, length] row-major (padded with `<pad>` = 0), real `lengths` [batch] →
    /// logits [batch, classCount].
    func callAsFunction(_ ids: [Int], batchSize: Int, length: Int, lengths: [Int]) -> Tensor
}

extension SentenceClassifier {
    /// What a training step does after the optimizer: Kim's max-norm constraint on the output
    /// layer's rows and a zero `<pad>` vector (so padding never adds to a sentence's features).
    public func constrain() {
        if config.maxNorm > 0 { MaxNorm.apply(to: output.weight, maxNorm: config.maxNorm) }
        embedding.weight.pointer.update(repeating: 0, count: config.emsize)
    }
}

/// Builds the classifier `config` describes, after validating it and checking that it fits in memory.
public func makeSentenceClassifier(_ config: ClassifierConfig, generator: RandomGenerator = .global)
    throws(ModelConfigError) -> any SentenceClassifier
{
    try config.validate()
    let parameters = saturatingSum(config.tensorDeclarations.map(\.count))
    if let problem = memoryProblem(what: "\(config.kind.rawValue) classifier", parameters: parameters, scalars: parameters) {
        throw ModelConfigError(description: problem)
    }
    switch config.kind {
    case .cnn: return KimCNN(config, generator: generator)
    case .lstm: return LSTMClassifier(config, generator: generator)
    }
}

/// Kim (2014)'s word-vector initialisation for words without pretrained vectors: U(±0.25),
/// with the `<pad>` row (id 0) zero.
func kimEmbedding(_ config: ClassifierConfig, _ generator: RandomGenerator) -> Embedding {
    let embedding = Embedding(config.vocabularySize, config.emsize, generator: generator)
    let w = embedding.weight.pointer
    for i in 0..<embedding.weight.count { w[i] = -0.25 + 0.5 * generator.nextFloat() }
    w.update(repeating: 0, count: config.emsize)
    return embedding
}
