import Foundation
import NN
import Tensor

/// An LSTM language model with a short attention span (after Daniluk et al. 2017): embedding →
/// dropout → LSTM → at each step the output h_t attends over the K outputs before it,
///
///     α = softmax(h_t · [h_{t−K} … h_{t−1}] / √H)        r_t = Σ α_j h_{t−K+j}
///     h*_t = tanh(W [r_t; h_t] + b)
///
/// → dropout → linear decoder. Attention is scaled dot product (two batched products per window,
/// no parameters of its own), not Daniluk's additive scoring. The K previous outputs reach across
/// BPTT windows: the state (`.attention`) carries the LSTM's (h, c) and the last K outputs
/// (zeros before the text, attended like any output, as a convolution's zero padding).
///
/// Names: `encoder.weight`, `rnn.weight_ih_l0` …, `combine.weight` [H, 2H], `combine.bias`,
/// `decoder.weight`, `decoder.bias`; the recipe's init for the embedding and decoder.
public final class AttentionLSTMModel: Module, LanguageModel {
    public let config: ModelConfig
    let drop: Dropout
    let encoder: Embedding
    let rnn: LSTM
    let combine: Linear
    public let decoder: Linear
    private var masks: [Int: Tensor] = [:]

    public init(_ config: ModelConfig, generator: RandomGenerator = .global) {
        self.config = config
        let (v, e, h) = (config.vocabularySize, config.emsize, config.nhid)
        drop = Dropout(config.dropout, generator: generator)
        encoder = Embedding(v, e, generator: generator)
        fillUniform(encoder.weight, bound: 0.1, generator)
        rnn = LSTM(inputSize: e, hiddenSize: h, numLayers: config.nlayers, dropout: config.dropout, generator: generator)
        combine = Linear(2 * h, h, generator: generator)
        decoder = recipeDecoder(config, inFeatures: h, tiedTo: encoder, generator)
    }

    public func initialState(batchSize: Int) -> RecurrentState {
        let (layers, h) = (config.nlayers, config.nhid)
        return .attention(
            h: Tensor.zeros([layers, batchSize, h]), c: Tensor.zeros([layers, batchSize, h]),
            memory: Tensor.zeros([config.attentionSpan, batchSize, h]))
    }

    /// Added to the scores [L, K + L] of a window of L steps: 0 where step t may look (keys
    /// t … t + K − 1, i.e. the K outputs before it), −∞ elsewhere.
    func band(_ steps: Int) -> Tensor {
        if let mask = masks[steps] { return mask }
        let k = config.attentionSpan
        let width = k + steps
        let mask = Tensor(shape: [steps, width], repeating: -.infinity)
        for t in 0..<steps { (mask.pointer + t * width + t).update(repeating: 0, count: k) }
        masks[steps] = mask
        return mask
    }

    public func features(_ input: [Int], seqLen: Int, batchSize: Int, state: RecurrentState)
        -> (features: Tensor, state: RecurrentState)
    {
        guard case .attention(let h0, let c0, let memory) = state else {
            preconditionFailure("AttentionLSTMModel: state \(state) is not .attention")
        }
        let (k, hidden) = (config.attentionSpan, config.nhid)
        let (output, (h, c)) = rnn(drop(encoder(input, shape: [seqLen, batchSize])), (h0, c0))  // [L, batch, H]
        let history = Tensor.concat([memory, output], axis: 0)  // [K + L, batch, H], oldest first
        let keys = history.permuted([1, 0, 2])  // [batch, K + L, H]
        let scores = Tensor.matmul(output.permuted([1, 0, 2]), keys, transposeB: true) * (1 / Float(hidden).squareRoot())
        let weights = (scores + band(seqLen)).softmax()  // [batch, L, K + L]
        let context = Tensor.matmul(weights, keys).permuted([1, 0, 2])  // [L, batch, H]
        let combined = combine(Tensor.concat([context, output], axis: 2)).tanh()
        let features = drop(combined).reshaped([seqLen * batchSize, hidden])
        return (features, .attention(h: h, c: c, memory: history.slice(axis: 0, seqLen..<(seqLen + k))))
    }
}

extension AttentionLSTMModel {
    static let spec = ModelKindSpec(
        options: [.attentionWindow],
        problem: { c in ModelConfig.Limits.problem("--attention-window", c.attentionSpan, 1...ModelConfig.Limits.attentionWindow)
        },
        make: { config, _, generator in AttentionLSTMModel(config, generator: generator) },
        tensors: { c in
            recipeTensors(
                c, decoderInput: c.nhid,
                between: recurrentTensors("rnn", gates: 4, input: c.emsize, hidden: c.nhid, layers: c.nlayers)
                    + linearTensors("combine", input: 2 * c.nhid, output: c.nhid))
        })
}
