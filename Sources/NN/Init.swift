import Tensor

/// PyTorch's default initialisations, drawn from a seeded generator.
public enum Init {
    /// U(-bound, bound), a leaf that requires gradients.
    public static func uniform(_ shape: [Int], bound: Float, generator: RandomGenerator = .global) -> Tensor {
        Tensor.uniform(shape, low: -bound, high: bound, generator: generator, requiresGrad: true)
    }

    /// PyTorch's `Linear`/`Conv` default: kaiming_uniform(a=√5) = U(±1/√fan_in), also for the bias.
    public static func fanIn(_ shape: [Int], fanIn: Int, generator: RandomGenerator = .global) -> Tensor {
        uniform(shape, bound: fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0, generator: generator)
    }

    /// Xavier/Glorot uniform: U(±√(6 / (fan_in + fan_out))) for a [fan_out, fan_in] matrix.
    public static func xavierUniform(_ shape: [Int], generator: RandomGenerator = .global) -> Tensor {
        let (fanOut, fanIn) = (shape[0], Shape.count(Array(shape.dropFirst())))
        return uniform(shape, bound: (6 / Float(fanIn + fanOut)).squareRoot(), generator: generator)
    }

    /// N(0, 1), PyTorch's `Embedding` default.
    public static func normal(_ shape: [Int], generator: RandomGenerator = .global) -> Tensor {
        Tensor.normal(shape, generator: generator, requiresGrad: true)
    }

    /// A constant parameter (norm layers' weight 1 and bias 0).
    public static func constant(_ shape: [Int], _ value: Float) -> Tensor {
        Tensor(shape: shape, repeating: value, requiresGrad: true)
    }
}
