import Tensor

/// y = x·Wᵀ + b over the last axis: [*, inFeatures] → [*, outFeatures]. PyTorch names `weight`
/// [out, in] and `bias` [out]; initialised U(±1/√in) like PyTorch.
public final class Linear: Module {
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, generator: RandomGenerator = .global) {
        weight = Init.fanIn([outFeatures, inFeatures], fanIn: inFeatures, generator: generator)
        self.bias = bias ? Init.fanIn([outFeatures], fanIn: inFeatures, generator: generator) : nil
    }

    /// A layer over existing tensors: weight [out, in], bias [out] (used to tie weights).
    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 2, "Linear: weight must be [out, in], got \(weight.shape)")
        if let bias {
            precondition(bias.shape == [weight.shape[0]], "Linear: bias \(bias.shape) does not match weight \(weight.shape)")
        }
        self.weight = weight
        self.bias = bias
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { Tensor.linear(x, weight: weight, bias: bias) }
}
