import NN
import Tensor

/// Dauphin et al. (2017)'s gated convolutional language model: embedding → dropout → `nlayers`
/// gated convolution blocks (causal, width `kernelSize`, `nhid` channels) → [an LSTM of
/// `rnnLayers` layers, for GatedCNN_RNN] → dropout → linear decoder.
///
/// The state carries, per block, its input at the last k − 1 steps (`.steps`, zeros before the
/// text), so the first positions of a window see real context; GatedCNN_RNN pairs it with the
/// LSTM's (h, c). Names: `encoder.weight`, `blocks.N.conv.weight` / `.bias`, `rnn.weight_ih_l0` …,
/// `decoder.weight`, `decoder.bias`; the recipe's init for the embedding and decoder.
public final class GatedCNNModel: Module, LanguageModel {
    public let config: ModelConfig
    let drop: Dropout
    let encoder: Embedding
    let blocks: [GatedConvBlock]
    let rnn: LSTM?
    public let decoder: Linear

    /// `underLSTM`: the blocks feed `config.recurrentLayers` LSTM layers (GatedCNN_RNN).
    public init(_ config: ModelConfig, underLSTM: Bool, generator: RandomGenerator = .global) {
        self.config = config
        let (v, e, h, k) = (config.vocabularySize, config.emsize, config.nhid, config.convolutionWidth)
        drop = Dropout(config.dropout, generator: generator)
        encoder = Embedding(v, e, generator: generator)
        fillUniform(encoder.weight, bound: 0.1, generator)
        blocks = (0..<config.nlayers).map { GatedConvBlock($0 == 0 ? e : h, h, kernelSize: k, generator: generator) }
        rnn =
            underLSTM
            ? LSTM(inputSize: h, hiddenSize: h, numLayers: config.recurrentLayers, dropout: config.dropout, generator: generator)
            : nil
        decoder = recipeDecoder(config, inFeatures: h, tiedTo: encoder, generator)
    }

    public func initialState(batchSize: Int) -> RecurrentState {
        let contexts = RecurrentState.steps(blocks.map { Tensor.zeros([$0.kernelSize - 1, batchSize, $0.inChannels]) })
        guard let rnn else { return contexts }
        let zeros = { Tensor.zeros([rnn.numLayers, batchSize, rnn.hiddenSize]) }
        return .pair(contexts, .lstm(h: zeros(), c: zeros()))
    }

    public func features(_ input: [Int], seqLen: Int, batchSize: Int, state: RecurrentState)
        -> (features: Tensor, state: RecurrentState)
    {
        let contexts: [Tensor]
        let lstmState: (h: Tensor, c: Tensor)?
        switch state {
        case .steps(let c) where rnn == nil && c.count == blocks.count: (contexts, lstmState) = (c, nil)
        case .pair(.steps(let c), .lstm(let h, let cell)) where rnn != nil && c.count == blocks.count:
            (contexts, lstmState) = (c, (h, cell))
        default: preconditionFailure("GatedCNNModel: state \(state) does not fit a \(config.kind.rawValue) model")
        }
        var x = drop(encoder(input, shape: [seqLen, batchSize]))  // [L, batch, E]
        var carried: [Tensor] = []
        for (block, context) in zip(blocks, contexts) {
            let (y, next) = block(x, context: context)
            carried.append(next)
            x = y
        }
        var next = RecurrentState.steps(carried)
        if let rnn, let lstmState {
            let result = rnn(x, lstmState)
            x = result.output
            next = .pair(next, .lstm(h: result.state.h, c: result.state.c))
        }
        return (drop(x).reshaped([seqLen * batchSize, config.nhid]), next)
    }
}

extension GatedCNNModel {
    static func spec(underLSTM: Bool) -> ModelKindSpec {
        ModelKindSpec(
            options: underLSTM ? [.kernelSize, .rnnLayers] : [.kernelSize],
            problem: { c in
                ModelConfig.Limits.problem("--kernel-size", c.convolutionWidth, 2...ModelConfig.Limits.kernelSize)
                    ?? ModelConfig.Limits.problem("--rnn-layers", c.recurrentLayers, 1...ModelConfig.Limits.layers)
            },
            make: { config, _, generator in GatedCNNModel(config, underLSTM: underLSTM, generator: generator) },
            tensors: { c in
                let (e, h, k) = (c.emsize, c.nhid, c.convolutionWidth)
                // Each block's convolution gives 2h channels (the values and the gates).
                let blocks = (0..<c.nlayers).flatMap { l in
                    [
                        TensorDeclaration("blocks.\(l).conv.weight", [2 * h, l == 0 ? e : h, k]),
                        TensorDeclaration("blocks.\(l).conv.bias", [2 * h])
                    ]
                }
                let rnn = underLSTM ? recurrentTensors("rnn", gates: 4, input: h, hidden: h, layers: c.recurrentLayers) : []
                return recipeTensors(c, decoderInput: h, between: blocks + rnn)
            })
    }

    /// The gated CNN alone, and under an LSTM.
    static let spec = spec(underLSTM: false), rnnSpec = spec(underLSTM: true)
}
