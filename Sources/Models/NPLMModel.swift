import NN
import Tensor

/// Bengio et al. (2003)'s neural probabilistic language model, run over the BPTT stream: the
/// logits at each position come from the embeddings of its n − 1 most recent words (the current
/// input word and the n − 2 before it), concatenated oldest first → dropout → hidden layer (linear
/// or tanh) → dropout → linear decoder. No direct connections from the embeddings to the output
/// (the seeds' model has none).
///
/// The state carries the last n − 2 input rows (`.tokens`, [n − 2, batch]), so every window sees
/// full contexts and training over all windows trains on every n-gram of the text; before the
/// first word of a text the missing context words are zero vectors.
///
/// Names: `encoder.weight` [V, E], `hidden.weight` [H, (n−1)·E], `hidden.bias` [H],
/// `decoder.weight` [V, H], `decoder.bias` [V]; the recipe's init (U(±0.1) embedding and decoder,
/// zero decoder bias), PyTorch's for the hidden layer.
public final class NPLMModel: Module, LanguageModel {
    public let config: ModelConfig
    let drop: Dropout
    let encoder: Embedding
    let hidden: Linear
    public let decoder: Linear

    public init(_ config: ModelConfig, generator: RandomGenerator = .global) {
        self.config = config
        let (v, e, h) = (config.vocabularySize, config.emsize, config.nhid)
        drop = Dropout(config.dropout, generator: generator)
        encoder = Embedding(v, e, generator: generator)
        fillUniform(encoder.weight, bound: 0.1, generator)
        hidden = Linear((config.ngramOrder - 1) * e, h, generator: generator)
        decoder = recipeDecoder(config, inFeatures: h, tiedTo: encoder, generator)
    }

    /// Words of context before the current one that a window needs from the previous window.
    var carriedRows: Int { config.ngramOrder - 2 }

    public func initialState(batchSize: Int) -> RecurrentState { .tokens([]) }

    public func features(_ input: [Int], seqLen: Int, batchSize: Int, state: RecurrentState)
        -> (features: Tensor, state: RecurrentState)
    {
        guard case .tokens(let previous) = state, previous.count % batchSize == 0,
            previous.count / batchSize <= carriedRows
        else {
            preconditionFailure("NPLMModel: state \(state) is not the last ≤ \(carriedRows) rows of \(batchSize) token ids")
        }
        let ids = previous + input
        let rows = ids.count / batchSize
        let missing = carriedRows - previous.count / batchSize
        var embedded = encoder(ids, shape: [rows, batchSize])  // [rows, batch, E]
        if missing > 0 {
            embedded = Tensor.concat([Tensor.zeros([missing, batchSize, config.emsize]), embedded], axis: 0)
        }
        let contexts = embedded.slidingWindows(width: config.ngramOrder - 1)  // [seqLen, batch, (n−1)·E]
        var h = hidden(drop(contexts))
        if config.nplmActivation == .tanh { h = h.tanh() }
        let features = drop(h).reshaped([seqLen * batchSize, config.nhid])
        return (features, .tokens(Array(ids.suffix(Swift.min(rows, carriedRows) * batchSize))))
    }
}

extension NPLMModel {
    static let spec = ModelKindSpec(
        options: [.ngram, .hiddenActivation],
        problem: { c in ModelConfig.Limits.problem("--ngram", c.ngramOrder, 2...ModelConfig.Limits.ngram) },
        make: { config, _, generator in NPLMModel(config, generator: generator) },
        tensors: { c in
            recipeTensors(
                c, decoderInput: c.nhid, between: linearTensors("hidden", input: (c.ngramOrder - 1) * c.emsize, output: c.nhid))
        })
}
