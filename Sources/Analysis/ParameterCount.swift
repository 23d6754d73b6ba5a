import Models

/// The trainable tensors of a model configuration, with PyTorch state-dict names, worked out from
/// the configuration alone (the kind's `ModelKindSpec.tensors`; nothing is built or allocated, so
/// a configuration too large to build is still counted): a tied weight is counted once (as
/// PyTorch's `sum(p.numel() for p in model.parameters())`) and buffers such as the Transformer's
/// positional table are not counted.
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

    /// Lists the parameters of the model `config` describes (validated first).
    public init(_ config: ModelConfig) throws(ModelConfigError) {
        try config.validate()
        entries = config.tensorDeclarations.filter { $0.role == .parameter }.map {
            Entry(name: $0.name, shape: $0.shape, count: $0.count)
        }
    }
}
