extension Tensor {
    /// Power-average pooling over [N, C, H, W] (or [C, H, W]) → [N, C, OH, OW]: (Σ_window x^p)^(1/p),
    /// computed as PyTorch's `F.lp_pool2d` does, (avg_pool(x^p) · kh·kw)^(1/p), so values and
    /// gradients follow PyTorch's (NaN for a negative sum with odd p, as there). No padding.
    public func lpPool2d(p: Float, kernelSize: (Int, Int), stride: (Int, Int)? = nil) -> Tensor {
        precondition(p > 0, "lpPool2d: norm type \(p) must be positive (input \(shape))")
        let pooled = pow(p).avgPool2d(kernelSize: kernelSize, stride: stride)
        return (pooled * Float(kernelSize.0 * kernelSize.1)).pow(1 / p)
    }

    /// Power-average pooling over [N, C, L] (or [C, L]) → [N, C, OL], PyTorch's `F.lp_pool1d`.
    public func lpPool1d(p: Float, kernelSize: Int, stride: Int? = nil) -> Tensor {
        precondition(p > 0, "lpPool1d: norm type \(p) must be positive (input \(shape))")
        let pooled = pow(p).avgPool1d(kernelSize: kernelSize, stride: stride)
        return (pooled * Float(kernelSize)).pow(1 / p)
    }
}
