import Tensor

/// 1-D convolution over [N, inChannels, L] → [N, outChannels, L'], L' = ⌊(L + 2·padding − k) / stride⌋ + 1.
/// PyTorch names `weight` [out, in, k] and `bias` [out]; both initialised U(±1/√(in·k)) like PyTorch.
public final class Conv1d: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int
    public let padding: Int

    public init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true, generator: RandomGenerator = .global
    ) {
        let fanIn = inChannels * kernelSize
        weight = Init.fanIn([outChannels, inChannels, kernelSize], fanIn: fanIn, generator: generator)
        self.bias = bias ? Init.fanIn([outChannels], fanIn: fanIn, generator: generator) : nil
        self.stride = stride
        self.padding = padding
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        Tensor.conv1d(x, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}

/// 2-D convolution over [N, inChannels, H, W] → [N, outChannels, H', W'] with
/// H' = ⌊(H + 2·padding.0 − kh) / stride.0⌋ + 1 and W' likewise. PyTorch names `weight`
/// [out, in, kh, kw] and `bias` [out]; both initialised U(±1/√(in·kh·kw)) like PyTorch.
public final class Conv2d: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: (Int, Int)
    public let padding: (Int, Int)

    public init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
        padding: (Int, Int) = (0, 0), bias: Bool = true, generator: RandomGenerator = .global
    ) {
        let fanIn = inChannels * kernelSize.0 * kernelSize.1
        weight = Init.fanIn([outChannels, inChannels, kernelSize.0, kernelSize.1], fanIn: fanIn, generator: generator)
        self.bias = bias ? Init.fanIn([outChannels], fanIn: fanIn, generator: generator) : nil
        self.stride = stride
        self.padding = padding
    }

    /// Square kernel, equal strides and padding on both axes.
    public convenience init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true, generator: RandomGenerator = .global
    ) {
        self.init(
            inChannels, outChannels, kernelSize: (kernelSize, kernelSize), stride: (stride, stride),
            padding: (padding, padding), bias: bias, generator: generator)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        Tensor.conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}
