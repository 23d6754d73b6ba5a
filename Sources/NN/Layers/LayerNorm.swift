import Tensor

/// Layer normalisation over the last axis (PyTorch `nn.LayerNorm(size)`, eps 1e-5):
/// y = (x - mean) / √(var + eps) ⊙ weight + bias, with the biased variance. Names `weight`
/// (ones) and `bias` (zeros), each [size].
public final class LayerNorm: Module {
    public let weight: Tensor
    public let bias: Tensor
    public let eps: Float

    public init(_ size: Int, eps: Float = 1e-5) {
        weight = Init.constant([size], 1)
        bias = Init.constant([size], 0)
        self.eps = eps
    }

    /// x [*, size] → [*, size].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 1 && x.shape[x.rank - 1] == weight.count,
                     "LayerNorm: input \(x.shape) does not end in \(weight.count)")
        let centred = x - x.mean(axis: -1, keepDim: true)
        let variance = (centred * centred).mean(axis: -1, keepDim: true)
        return centred / (variance + eps).sqrt() * weight + bias
    }
}
