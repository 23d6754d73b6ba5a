import Tensor

/// Max pooling over [N, C, L] (or [C, L]); the stride defaults to the kernel, as in PyTorch.
public final class MaxPool1d: Module {
    public let kernelSize: Int, stride: Int?, padding: Int

    public init(_ kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        (self.kernelSize, self.stride, self.padding) = (kernelSize, stride, padding)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.maxPool1d(kernelSize: kernelSize, stride: stride, padding: padding) }
}

/// Max pooling over [N, C, H, W] (or [C, H, W]); the stride defaults to the kernel.
public final class MaxPool2d: Module {
    public let kernelSize: (Int, Int), stride: (Int, Int)?, padding: (Int, Int)

    public init(_ kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) {
        (self.kernelSize, self.stride, self.padding) = (kernelSize, stride, padding)
    }

    /// Square window, equal stride and padding on both axes.
    public convenience init(_ kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        self.init((kernelSize, kernelSize), stride: stride.map { ($0, $0) }, padding: (padding, padding))
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.maxPool2d(kernelSize: kernelSize, stride: stride, padding: padding) }
}

/// Average pooling over [N, C, L] (or [C, L]), padding counted in the average as PyTorch's default.
public final class AvgPool1d: Module {
    public let kernelSize: Int, stride: Int?, padding: Int

    public init(_ kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        (self.kernelSize, self.stride, self.padding) = (kernelSize, stride, padding)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.avgPool1d(kernelSize: kernelSize, stride: stride, padding: padding) }
}

/// Average pooling over [N, C, H, W] (or [C, H, W]), padding counted in the average.
public final class AvgPool2d: Module {
    public let kernelSize: (Int, Int), stride: (Int, Int)?, padding: (Int, Int)

    public init(_ kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) {
        (self.kernelSize, self.stride, self.padding) = (kernelSize, stride, padding)
    }

    /// Square window, equal stride and padding on both axes.
    public convenience init(_ kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        self.init((kernelSize, kernelSize), stride: stride.map { ($0, $0) }, padding: (padding, padding))
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.avgPool2d(kernelSize: kernelSize, stride: stride, padding: padding) }
}

/// Power-average pooling (Σ_window x^p)^(1/p) over [N, C, L] (or [C, L]); PyTorch's `LPPool1d(normType, …)`.
public final class LPPool1d: Module {
    public let normType: Float, kernelSize: Int, stride: Int?

    public init(_ normType: Float, _ kernelSize: Int, stride: Int? = nil) {
        (self.normType, self.kernelSize, self.stride) = (normType, kernelSize, stride)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.lpPool1d(p: normType, kernelSize: kernelSize, stride: stride) }
}

/// Power-average pooling (Σ_window x^p)^(1/p) over [N, C, H, W] (or [C, H, W]); PyTorch's `LPPool2d`.
public final class LPPool2d: Module {
    public let normType: Float, kernelSize: (Int, Int), stride: (Int, Int)?

    public init(_ normType: Float, _ kernelSize: (Int, Int), stride: (Int, Int)? = nil) {
        (self.normType, self.kernelSize, self.stride) = (normType, kernelSize, stride)
    }

    /// Square window, equal strides.
    public convenience init(_ normType: Float, _ kernelSize: Int, stride: Int? = nil) {
        self.init(normType, (kernelSize, kernelSize), stride: stride.map { ($0, $0) })
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.lpPool2d(p: normType, kernelSize: kernelSize, stride: stride) }
}
