import NN
import Tensor

/// One block of Dauphin et al. (2017)'s gated convolutional network, in time-major layout:
///
///     h = (X∗W + b) ⊗ σ(X∗V + c)          y = h + X when the input and output widths agree, else h
///
/// X∗W is a causal 1-D convolution of width k: step t reads steps t − k + 1 … t, the steps before
/// the window coming from the carried context. W and V are one `Conv1d` with 2·out channels (W's
/// rows first, as PyTorch's `F.glu` splits them): `conv.weight` [2·out, in, k], `conv.bias` [2·out],
/// PyTorch's init. It runs as one product of the sliding windows [L, batch, k·in] with the kernel.
public final class GatedConvBlock: Module {
    public let conv: Conv1d
    public let kernelSize: Int
    public let inChannels: Int
    public let residual: Bool

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, generator: RandomGenerator = .global) {
        precondition(kernelSize >= 2, "GatedConvBlock: kernel size \(kernelSize) leaves nothing to carry")
        conv = Conv1d(inChannels, 2 * outChannels, kernelSize: kernelSize, generator: generator)
        self.kernelSize = kernelSize
        self.inChannels = inChannels
        residual = inChannels == outChannels
    }

    /// x [L, batch, in] after `context` [k − 1, batch, in] (this block's input at the steps just
    /// before the window) → output [L, batch, out] and the context for the next window (the last
    /// k − 1 steps of context and x together).
    public func callAsFunction(_ x: Tensor, context: Tensor) -> (output: Tensor, context: Tensor) {
        let (steps, batch) = (x.shape[0], x.shape[1])
        precondition(
            context.shape == [kernelSize - 1, batch, inChannels] && x.shape[2] == inChannels,
            "GatedConvBlock: input \(x.shape) / context \(context.shape) do not fit \(inChannels) channels, width \(kernelSize)")
        let padded = Tensor.concat([context, x], axis: 0)  // [k − 1 + L, batch, in]
        // The kernel as a matrix over windows laid out oldest step first: [2·out, k·in].
        let kernel = conv.weight.permuted([0, 2, 1]).reshaped([conv.weight.shape[0], kernelSize * inChannels])
        let h = Tensor.linear(padded.slidingWindows(width: kernelSize), weight: kernel, bias: conv.bias).glu()
        let rows = steps + kernelSize - 1
        return (residual ? h + x : h, padded.slice(axis: 0, (rows - kernelSize + 1)..<rows))
    }
}
