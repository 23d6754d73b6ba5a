import NN
import Tensor

/// The recipe's `RNNModel`: embedding → dropout → RNN/LSTM/GRU stack → dropout → linear decoder,
/// optionally with the decoder weight tied to the embedding. State-dict names match the recipe:
/// `encoder.weight`, `rnn.weight_ih_l0` …, `decoder.weight`, `decoder.bias`.
public final class RNNModel: Module, LanguageModel {
    public let config: ModelConfig
    let drop: Dropout
    let encoder: Embedding
    let rnn: RecurrentBase
    public let decoder: Linear

    public init(_ config: ModelConfig, generator: RandomGenerator = .global) {
        self.config = config
        drop = Dropout(config.dropout, generator: generator)
        encoder = Embedding(config.vocabularySize, config.emsize, generator: generator)
        let (e, h, n, p) = (config.emsize, config.nhid, config.nlayers, config.dropout)
        switch config.kind {
        case .lstm: rnn = LSTM(inputSize: e, hiddenSize: h, numLayers: n, dropout: p, generator: generator)
        case .gru: rnn = GRU(inputSize: e, hiddenSize: h, numLayers: n, dropout: p, generator: generator)
        case .rnnRelu: rnn = RNN(inputSize: e, hiddenSize: h, numLayers: n, nonlinearity: .relu, dropout: p, generator: generator)
        default: rnn = RNN(inputSize: e, hiddenSize: h, numLayers: n, nonlinearity: .tanh, dropout: p, generator: generator)
        }
        // The recipe's init_weights: U(±0.1) embedding and decoder, zero decoder bias.
        fillUniform(encoder.weight, bound: 0.1, generator)
        if config.tied {
            decoder = Linear(weight: encoder.weight, bias: Tensor.zeros([config.vocabularySize], requiresGrad: true))
        } else {
            decoder = Linear(config.nhid, config.vocabularySize, generator: generator)
            fillUniform(decoder.weight, bound: 0.1, generator)
            decoder.bias?.pointer.update(repeating: 0, count: config.vocabularySize)
        }
    }

    public func initialState(batchSize: Int) -> RecurrentState {
        let zeros = { Tensor.zeros([self.config.nlayers, batchSize, self.config.nhid]) }
        return config.kind == .lstm ? .lstm(h: zeros(), c: zeros()) : .hidden(zeros())
    }

    public func features(_ input: [Int], seqLen: Int, batchSize: Int, state: RecurrentState)
        -> (features: Tensor, state: RecurrentState) {
        let embedded = drop(encoder(input, shape: [seqLen, batchSize]))
        let output: Tensor, next: RecurrentState
        switch (rnn, state) {
        case (let lstm as LSTM, .lstm(let h, let c)):
            let result = lstm(embedded, (h, c))
            (output, next) = (result.output, .lstm(h: result.state.h, c: result.state.c))
        case (let gru as GRU, .hidden(let h)):
            let result = gru(embedded, h)
            (output, next) = (result.output, .hidden(result.state))
        case (let plain as RNN, .hidden(let h)):
            let result = plain(embedded, h)
            (output, next) = (result.output, .hidden(result.state))
        default:
            preconditionFailure("RNNModel: state \(state) does not fit a \(config.kind.rawValue) model")
        }
        return (drop(output).reshaped([seqLen * batchSize, config.nhid]), next)
    }
}
