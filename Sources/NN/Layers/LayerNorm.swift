import Tensor

/// Layer normalisation over the trailing axes `normalizedShape`: [*, normalizedShape] → same shape.
/// Each row is normalised with its own mean and biased variance, then scaled by `weight` and shifted
/// by `bias` (both shaped `normalizedShape`, initialised 1 and 0); PyTorch's `LayerNorm`. Without
/// `bias` (nanoGPT's `LayerNorm(ndim, bias=False)`) only the weight scales.
public final class LayerNorm: Module {
    public let weight: Tensor?
    public let bias: Tensor?
    public let normalizedShape: [Int]
    public let eps: Float

    public init(_ normalizedShape: [Int], eps: Float = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true) {
        weight = elementwiseAffine ? Init.constant(normalizedShape, 1) : nil
        self.bias = elementwiseAffine && bias ? Init.constant(normalizedShape, 0) : nil
        self.normalizedShape = normalizedShape
        self.eps = eps
    }

    public convenience init(_ size: Int, eps: Float = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true) {
        self.init([size], eps: eps, elementwiseAffine: elementwiseAffine, bias: bias)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(
            x.rank >= normalizedShape.count && Array(x.shape.suffix(normalizedShape.count)) == normalizedShape,
            "LayerNorm: input \(x.shape) does not end in the normalized shape \(normalizedShape)")
        return Tensor.layerNorm(x, size: Shape.count(normalizedShape), weight: weight, bias: bias, eps: eps)
    }
}
