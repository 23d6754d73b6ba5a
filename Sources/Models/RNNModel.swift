import NN
import Tensor

/// The recipe's `RNNModel`: embedding → dropout → RNN/LSTM/GRU stack → dropout → linear decoder,
/// optionally with the decoder weight tied to the embedding. State-dict names match the recipe:
/// `encoder.weight`, `rnn.weight_ih_l0` …, `decoder.weight`, `decoder.bias`.
///
/// With `--context previous-sentence` (report 002's context model) the decoder reads
/// [output; context], nhid + emsize features, the context being the mean of the (undropped) input
/// embeddings of the previous sentence (`SentenceContext`); the dropout before the decoder covers
/// both. The state is then `.pair(recurrent state, .sentences(…))`.
public final class RNNModel: Module, LanguageModel {
    public let config: ModelConfig
    let drop: Dropout
    let encoder: Embedding
    let rnn: RecurrentBase
    let output: VocabularyDecoder
    /// The id of `<eos>` when the decoder reads the previous sentence (nil when it does not, or
    /// when the model was built without its vocabulary: then no sentence ever ends).
    let sentenceEnd: Int?
    /// Features the context adds to the decoder's input (0 without one).
    let contextWidth: Int

    /// The recurrent cell of each kind this class builds.
    public enum Cell: Sendable {
        case tanh, relu, lstm, gru

        /// Gate blocks per layer (rows of weight_ih are gates × nhid).
        var gates: Int {
            switch self {
            case .tanh, .relu: 1
            case .lstm: 4
            case .gru: 3
            }
        }
    }

    /// `sentenceEnd` is the id of `<eos>` (read only with a sentence context).
    public init(_ config: ModelConfig, cell: Cell, sentenceEnd: Int? = nil, generator: RandomGenerator = .global) {
        self.config = config
        contextWidth = config.sentenceContext.width(emsize: config.emsize)
        self.sentenceEnd = contextWidth > 0 ? sentenceEnd : nil
        drop = Dropout(config.dropout, generator: generator)
        encoder = Embedding(config.vocabularySize, config.emsize, generator: generator)
        let (e, h, n, p) = (config.emsize, config.nhid, config.nlayers, config.dropout)
        switch cell {
        case .lstm: rnn = LSTM(inputSize: e, hiddenSize: h, numLayers: n, dropout: p, generator: generator)
        case .gru: rnn = GRU(inputSize: e, hiddenSize: h, numLayers: n, dropout: p, generator: generator)
        case .relu: rnn = RNN(inputSize: e, hiddenSize: h, numLayers: n, nonlinearity: .relu, dropout: p, generator: generator)
        case .tanh: rnn = RNN(inputSize: e, hiddenSize: h, numLayers: n, nonlinearity: .tanh, dropout: p, generator: generator)
        }
        // The recipe's init_weights: U(±0.1) embedding and decoder, zero decoder bias.
        fillUniform(encoder.weight, bound: 0.1, generator)
        // An adaptive softmax keeps PyTorch's own initialisation (the recipe's init_weights
        // reaches only a Linear decoder).
        output = VocabularyDecoder(config, inFeatures: config.nhid + contextWidth, generator) { [encoder, contextWidth] in
            if config.tied {
                return Linear(weight: encoder.weight, bias: Tensor.zeros([config.vocabularySize], requiresGrad: true))
            }
            let decoder = Linear(config.nhid + contextWidth, config.vocabularySize, generator: generator)
            fillUniform(decoder.weight, bound: 0.1, generator)
            decoder.bias?.pointer.update(repeating: 0, count: config.vocabularySize)
            return decoder
        }
    }

    override public func children() -> [(String, Module)] {
        [("drop", drop), ("encoder", encoder), ("rnn", rnn), ("decoder", output.module)]
    }

    public var decoder: Linear { output.linearLayer }
    public var adaptiveSoftmax: AdaptiveLogSoftmaxWithLoss? { output.adaptiveLayer }

    /// An LSTM (whose fused stack splits each layer over the cores) with more recurrent
    /// multiply-adds per token, Σ_l 4·nhid·(in_l + nhid), than the decoder's nhid·vocabulary (the
    /// medium recipe: 6.8 M against 4.9 M; the small one: 0.64 M against 1.5 M).
    public var forwardOutweighsScoring: Bool {
        guard rnn is LSTM else { return false }
        let recurrent = (0..<config.nlayers).reduce(0) { sum, l in
            sum + 4 * config.nhid * ((l == 0 ? config.emsize : config.nhid) + config.nhid)
        }
        return recurrent > decoderMultiplyAdds
    }

    /// The decoder's multiply-adds per token: the linear layer's, or (adaptive) the head's and
    /// every tail cluster's as `log_prob` runs them.
    var decoderMultiplyAdds: Int {
        let input = config.nhid + contextWidth
        guard let adaptive = adaptiveSoftmax else { return input * config.vocabularySize }
        return adaptive.parameterCount
    }

    public func initialState(batchSize: Int) -> RecurrentState {
        let zeros = { Tensor.zeros([self.config.nlayers, batchSize, self.config.nhid]) }
        let recurrent: RecurrentState = rnn is LSTM ? .lstm(h: zeros(), c: zeros()) : .hidden(zeros())
        guard contextWidth > 0 else { return recurrent }
        let bag = { Tensor.zeros([batchSize, self.config.emsize]) }
        return .pair(recurrent, .sentences(previous: bag(), current: bag(), length: Tensor.zeros([batchSize])))
    }

    public func features(_ input: [Int], seqLen: Int, batchSize: Int, state: RecurrentState)
        -> (features: Tensor, state: RecurrentState)
    {
        let words = encoder(input, shape: [seqLen, batchSize])
        let embedded = drop(words)
        var recurrentState = state
        var sentences: (previous: Tensor, current: Tensor, length: Tensor)?
        if contextWidth > 0 {
            guard case .pair(let inner, .sentences(let previous, let current, let length)) = state else {
                preconditionFailure("RNNModel: state \(state) does not fit a \(config.kind.rawValue) model with a context")
            }
            (recurrentState, sentences) = (inner, (previous, current, length))
        }
        let output: Tensor
        let next: RecurrentState
        switch (rnn, recurrentState) {
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
        guard let sentences else { return (drop(output).reshaped([seqLen * batchSize, config.nhid]), next) }
        let bag = Tensor.previousSegmentMeans(
            words, ends: input.map { $0 == sentenceEnd }, previous: sentences.previous, sum: sentences.current,
            count: sentences.length)
        let joined = Tensor.concat([output, bag.means], axis: 2)
        return (
            drop(joined).reshaped([seqLen * batchSize, config.nhid + contextWidth]),
            .pair(next, .sentences(previous: bag.previous, current: bag.sum, length: bag.count))
        )
    }
}

extension RNNModel {
    static func spec(_ cell: Cell) -> ModelKindSpec {
        ModelKindSpec(
            options: [.context, .adaptive],
            problem: { c in
                if let problem = c.adaptiveSoftmax?.problem(
                    inFeatures: c.nhid + c.sentenceContext.width(emsize: c.emsize), vocabularySize: c.vocabularySize)
                {
                    return problem
                }
                guard c.tied, c.sentenceContext != .none else { return nil }
                return
                    "--tied does not fit --context \(c.sentenceContext.rawValue): the decoder reads nhid + emsize features (the output and the context), the embedding has emsize"
            },
            make: { config, words, generator in
                RNNModel(
                    config, cell: cell, sentenceEnd: words?.firstIndex(of: SentenceContext.sentenceEnd),
                    generator: generator)
            },
            tensors: { c in
                recipeTensors(
                    c, decoderInput: c.nhid + c.sentenceContext.width(emsize: c.emsize),
                    between: recurrentTensors("rnn", gates: cell.gates, input: c.emsize, hidden: c.nhid, layers: c.nlayers))
            })
    }

    static let tanhSpec = spec(.tanh), reluSpec = spec(.relu), lstmSpec = spec(.lstm), gruSpec = spec(.gru)
}
