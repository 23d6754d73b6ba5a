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

    public func initialState(batchSize: Int) -> RecurrentState { .tokens([]) }

    public func features(_ input: [Int], seqLen: Int, batchSize: Int, state: RecurrentState)
        -> (features: Tensor, state: RecurrentState)
    {
        let (embedded, next) = ngramEmbeddings(
            encoder, order: config.ngramOrder, input: input, batchSize: batchSize, state: state, model: "NPLMModel")
        let contexts = embedded.slidingWindows(width: config.ngramOrder - 1)  // [seqLen, batch, (n−1)·E]
        var h = hidden(drop(contexts))
        if config.nplmActivation == .tanh { h = h.tanh() }
        let features = drop(h).reshaped([seqLen * batchSize, config.nhid])
        return (features, next)
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
