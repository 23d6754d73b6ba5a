import Models
import Tensor

/// The trainable tensors of a model configuration, with PyTorch state-dict names, counted without
/// training: the model is built and its `namedParameters()` read, so a tied weight is counted once
/// (as PyTorch's `sum(p.numel() for p in model.parameters())`) and buffers such as the
/// Transformer's positional table are not counted.
public struct ParameterCount: Sendable {
    public struct Entry: Equatable, Sendable {
        public let name: String
        public let shape: [Int]
        /// Product of the shape.
        public let count: Int

        public init(name: String, shape: [Int], count: Int) {
            (self.name, self.shape, self.count) = (name, shape, count)
        }
    }

    public let entries: [Entry]

    /// Σ over entries of their counts.
    public var total: Int { entries.reduce(0) { $0 + $1.count } }

    /// Builds the model `config` describes (validated first; a fixed seed, so nothing else's random
    /// stream moves) and lists its parameters.
    public init(_ config: ModelConfig) throws(ModelConfigError) {
        let model = try makeLanguageModel(config, generator: RandomGenerator(seed: 0))
        entries = model.namedParameters().map { Entry(name: $0.0, shape: $0.1.shape, count: $0.1.count) }
    }
}
