import NN
import Tensor

/// An LSTM sentence classifier:
///
///     ids [N, L] → embedding [L, N, E] → dropout → LSTM [L, N, H]
///       → pool: the state after each sentence's last word, or the mean over its words [N, H]
///       → dropout → linear → logits [N, classes]
///
/// Padding sits after each sentence, so it never reaches the pooled states. State-dict names:
/// `embedding.weight`, `rnn.weight_ih_l0` …, `output.weight`, `output.bias`.
public final class LSTMClassifier: Module, SentenceClassifier {
    public let config: ClassifierConfig
    public let embedding: Embedding
    let rnn: LSTM
    let drop: Dropout
    public let output: Linear

    public init(_ config: ClassifierConfig, generator: RandomGenerator = .global) {
        self.config = config
        embedding = kimEmbedding(config, generator)
        rnn = LSTM(inputSize: config.emsize, hiddenSize: config.nhid, generator: generator)
        drop = Dropout(config.dropout, generator: generator)
        output = Linear(config.nhid, config.classCount, generator: generator)
    }

    public func callAsFunction(_ ids: [Int], batchSize n: Int, length l: Int, lengths: [Int]) -> Tensor {
        precondition(
            lengths.count == n && lengths.allSatisfy({ $0 >= 1 && $0 <= l }),
            "LSTMClassifier: lengths \(lengths) do not fit a batch of \(n) × \(l)")
        // Time-major ids: position t of sentence b at t·N + b.
        var timeMajor = [Int](repeating: 0, count: n * l)
        for b in 0..<n { for t in 0..<l { timeMajor[t * n + b] = ids[b * l + t] } }
        let states = rnn(drop(embedding(timeMajor, shape: [l, n]))).output  // [L, N, H]
        let pooled: Tensor
        switch config.pool {
        case .last:
            pooled = states.reshaped([l * n, config.nhid]).indexSelect(axis: 0, (0..<n).map { b in (lengths[b] - 1) * n + b })
        case .mean:
            let mask = Tensor(shape: [l, n, 1], repeating: 0)
            for b in 0..<n { for t in 0..<lengths[b] { mask.pointer[t * n + b] = 1 / Float(lengths[b]) } }
            pooled = (states * mask).sum(axis: 0)
        }
        return output(drop(pooled))
    }
}
