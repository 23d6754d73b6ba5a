import NN
import Tensor

/// Report 004's recurrent n-gram model (section 3.6.1): for each n-gram, a tanh RNN reads the
/// embeddings of the n − 1 context words, oldest first, from a zero state, and the decoder predicts
/// the n-th word from its last output. Every position of a BPTT window is its own n-gram, read
/// exactly as the NPLM reads it (`ngramEmbeddings`: the current input word and the n − 2 before
/// it, the state carrying the last n − 2 input rows, zero vectors before the start of a text); no
/// hidden state passes from one n-gram to the next.
///
/// Embedding → dropout → RNN (tanh, `nlayers` layers) over the n − 1 steps → last step's output →
/// dropout → linear decoder. The report does not name its cell; a plain tanh RNN is the one its
/// "RNN" and its figure 7 suggest, and the one fixed here.
///
/// Truncated backpropagation (report 3.6.3): with `backpropSteps` K < n − 1 the gradient flows
/// through the last K steps only: the state entering step n − 1 − K (0-based) is cut off from the
/// graph, so the first n − 1 − K context words and the steps that read them get no gradient.
///
/// Names: `encoder.weight` [V, E], `rnn.weight_ih_l0` [H, E], `rnn.weight_hh_l0` [H, H],
/// `rnn.bias_ih_l0`, `rnn.bias_hh_l0` [H] (… per layer), `decoder.weight` [V, H], `decoder.bias`
/// [V]; the recipe's init (U(±0.1) embedding and decoder, zero decoder bias), PyTorch's for the RNN.
public final class NGramRNNModel: Module, LanguageModel {
    public let config: ModelConfig
    let drop: Dropout
    let encoder: Embedding
    let rnn: RNN
    public let decoder: Linear

    public init(_ config: ModelConfig, generator: RandomGenerator = .global) {
        self.config = config
        let (v, e, h) = (config.vocabularySize, config.emsize, config.nhid)
        drop = Dropout(config.dropout, generator: generator)
        encoder = Embedding(v, e, generator: generator)
        fillUniform(encoder.weight, bound: 0.1, generator)
        rnn = RNN(
            inputSize: e, hiddenSize: h, numLayers: config.nlayers, nonlinearity: .tanh, dropout: config.dropout,
            generator: generator)
        decoder = recipeDecoder(config, inFeatures: h, tiedTo: encoder, generator)
    }

    public func initialState(batchSize: Int) -> RecurrentState { .tokens([]) }

    public func features(_ input: [Int], seqLen: Int, batchSize: Int, state: RecurrentState)
        -> (features: Tensor, state: RecurrentState)
    {
        let steps = config.ngramOrder - 1
        let (embedded, next) = ngramEmbeddings(
            encoder, order: config.ngramOrder, input: input, batchSize: batchSize, state: state, model: "NGramRNNModel")
        // Step j of every n-gram is row t + j of the embeddings: [n − 1, seqLen·batch, E], each
        // position one column of the RNN's batch.
        let columns = seqLen * batchSize
        let x = drop(
            Tensor.stack(
                (0..<steps).map { j in embedded.slice(axis: 0, j..<(j + seqLen)).reshaped([columns, config.emsize]) },
                axis: 0))
        let cut = steps - config.gradientSteps
        var h: Tensor? = nil  // zeros
        if cut > 0 {
            // The steps before the last K run off the tape: their state enters the rest detached.
            h = withNoGrad { rnn(x.slice(axis: 0, 0..<cut)).state }.detach()
        }
        let output = rnn(cut > 0 ? x.slice(axis: 0, cut..<steps) : x, h).output  // [steps − cut, columns, H]
        let last = output.slice(axis: 0, (steps - cut - 1)..<(steps - cut)).reshaped([columns, config.nhid])
        return (drop(last), next)
    }
}

extension NGramRNNModel {
    static let spec = ModelKindSpec(
        options: [.ngram, .backpropSteps],
        problem: { c in
            if let problem = ModelConfig.Limits.problem("--ngram", c.ngramOrder, 2...ModelConfig.Limits.ngram) {
                return problem
            }
            let steps = c.ngramOrder - 1
            guard (1...steps).contains(c.gradientSteps) else {
                return
                    "--backprop-steps must be in 1…\(steps) (the context words of a \(c.ngramOrder)-gram), got \(c.gradientSteps)"
            }
            return nil
        },
        make: { config, _, generator in NGramRNNModel(config, generator: generator) },
        tensors: { c in
            recipeTensors(
                c, decoderInput: c.nhid,
                between: recurrentTensors("rnn", gates: 1, input: c.emsize, hidden: c.nhid, layers: c.nlayers))
        })
}
