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

extension Module {
    /// The weights of every `Embedding` in this module's tree, once each: tables whose gradient
    /// has a row per word, non-zero only for the words of the batch (data-parallel training may
    /// send just those rows).
    public var embeddingWeights: [Tensor] {
        var seen = Set<ObjectIdentifier>()
        var result: [Tensor] = []
        func walk(_ module: Module) {
            if let embedding = module as? Embedding, seen.insert(ObjectIdentifier(embedding.weight)).inserted {
                result.append(embedding.weight)
            }
            for (_, child) in module.children() { walk(child) }
        }
        walk(self)
        return result
    }
}
