import Tensor

/// A lookup table [count, dimension] (PyTorch name `weight`, initialised N(0, 1)).
public final class Embedding: Module {
    public let weight: Tensor

    public init(_ count: Int, _ dimension: Int, generator: RandomGenerator = .global) {
        weight = Init.normal([count, dimension], generator: generator)
    }

    /// Rows for `indices` laid out as `shape` → `shape + [dimension]`.
    public func callAsFunction(_ indices: [Int], shape: [Int]) -> Tensor {
        Tensor.embedding(weight, indices: indices, shape: shape)
    }
}
