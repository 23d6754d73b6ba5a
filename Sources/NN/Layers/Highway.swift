import Tensor

/// One highway layer (Srivastava et al.; as used by Kim et al.'s character-aware LM):
///
///     t = σ(W_T x + b_T)          y = t ⊙ relu(W_H x + b_H) + (1 - t) ⊙ x
///
/// Names `transform` (W_H, b_H) and `gate` (W_T, b_T), both [size, size] Linear layers.
public final class HighwayLayer: Module {
    public let transform: Linear
    public let gate: Linear

    /// `gateBias` starts the gate mostly closed (carrying x through), Kim et al.'s -2.
    public init(_ size: Int, gateBias: Float = -2, generator: RandomGenerator = .global) {
        transform = Linear(size, size, generator: generator)
        gate = Linear(size, size, generator: generator)
        if let bias = gate.bias { bias.pointer.update(repeating: gateBias, count: bias.count) }
    }

    /// x [*, size] → [*, size].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let t = gate(x).sigmoid()
        let h = transform(x).relu()
        // t ⊙ h + (1 - t) ⊙ x = x + t ⊙ (h - x): one product fewer.
        return x + t * (h - x)
    }
}

/// A stack of highway layers: x [*, size] → [*, size]; names `layers.0.transform.weight`, ….
public final class Highway: Module {
    public let size: Int
    public let layers: [HighwayLayer]

    public init(_ size: Int, layerCount: Int = 1, gateBias: Float = -2, generator: RandomGenerator = .global) {
        precondition(size > 0 && layerCount >= 0, "Highway: size \(size) and layer count \(layerCount) must be positive")
        self.size = size
        layers = (0..<layerCount).map { _ in HighwayLayer(size, gateBias: gateBias, generator: generator) }
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 1 && x.shape[x.rank - 1] == size, "Highway: input \(x.shape) does not end in \(size)")
        return layers.reduce(x) { $1($0) }
    }
}
