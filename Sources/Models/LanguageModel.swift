import NN
import Tensor

/// What a language model carries from one BPTT window to the next.
public enum RecurrentState {
    case none
    case hidden(Tensor)
    case lstm(h: Tensor, c: Tensor)

    /// The same values cut off from the graph, so backpropagation stops at the window boundary.
    public func detached() -> RecurrentState {
        switch self {
        case .none: .none
        case .hidden(let h): .hidden(h.detach())
        case .lstm(let h, let c): .lstm(h: h.detach(), c: c.detach())
        }
    }
}

/// A next-token model over token ids laid out [seqLen, batch] (row-major, as `BatchedStream`).
public protocol LanguageModel: Module {
    var config: ModelConfig { get }
    /// The state before the first window (zeros), for `batchSize` columns.
    func initialState(batchSize: Int) -> RecurrentState
    /// Logits [seqLen·batch, vocabularySize] for every position, and the state after the window.
    func callAsFunction(_ input: [Int], seqLen: Int, batchSize: Int, state: RecurrentState)
        -> (logits: Tensor, state: RecurrentState)
}

/// Builds the model `config` describes (validated first).
public func makeLanguageModel(_ config: ModelConfig, generator: RandomGenerator = .global) throws(ModelConfigError)
    -> any LanguageModel {
    try config.validate()
    switch config.kind {
    case .transformer: return TransformerModel(config, generator: generator)
    default: return RNNModel(config, generator: generator)
    }
}
