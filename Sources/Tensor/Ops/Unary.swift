import Foundation

extension Tensor {
    /// Builds f(g, x, y) element-wise where x is an op's input and y its output, for backward.
    static func gradient<D: TernaryFunction>(_ g: Tensor, _ x: TensorStorage, _ y: TensorStorage, _ d: D) -> Tensor {
        let out = Tensor(uninitializedShape: g.shape)
        Kernels.zip3(g.pointer, x.pointer, y.pointer, out.pointer, g.count, d)
        return out
    }

    /// An element-wise op y = f(x) whose backward is `derivative(g, x, y)`.
    func elementwise<F: UnaryFunction, D: TernaryFunction>(_ name: String, _ f: F, derivative: D) -> Tensor {
        let y = TensorStorage(uninitializedCount: count)
        Kernels.map(pointer, y.pointer, count, f)
        let x = storage
        return .result(name, shape: shape, storage: y, inputs: [self]) { g in
            [Tensor.gradient(g, x, y, derivative)]
        }
    }

    public static prefix func - (x: Tensor) -> Tensor { x.elementwise("neg", Fn.Neg(), derivative: Fn.NegGrad()) }

    /// e^x.
    public func exp() -> Tensor { elementwise("exp", Fn.Exp(), derivative: Fn.TimesOutput()) }

    /// tanh(x); d/dx = 1 - y².
    public func tanh() -> Tensor { elementwise("tanh", Fn.Tanh(), derivative: Fn.TanhGrad()) }

    /// σ(x) = 1/(1 + e^{-x}); d/dx = y(1 - y).
    public func sigmoid() -> Tensor { elementwise("sigmoid", Fn.Sigmoid(), derivative: Fn.SigmoidGrad()) }

    /// max(x, 0); the gradient at 0 is 0, as in PyTorch.
    public func relu() -> Tensor { elementwise("relu", Fn.Relu(), derivative: Fn.ReluGrad()) }

    /// √x; d/dx = 1/(2y).
    public func sqrt() -> Tensor { elementwise("sqrt", Fn.Sqrt(), derivative: Fn.SqrtGrad()) }

    /// Applies a scalar function element by element (for functions without a vector kernel).
    private func scalarMap(_ f: (Float) -> Float) -> TensorStorage {
        let out = TensorStorage(uninitializedCount: count)
        let x = pointer
        let y = out.pointer
        for i in 0..<count { y[i] = f(x[i]) }
        return out
    }

    /// Natural logarithm; d/dx = 1/x.
    public func log() -> Tensor {
        let y = scalarMap { Foundation.log($0) }
        let x = storage
        return .result("log", shape: shape, storage: y, inputs: [self]) { g in
            [Tensor.gradient(g, x, y, Fn.OverInput())]
        }
    }

    /// x^p for a scalar exponent; d/dx = p·x^{p-1}.
    public func pow(_ p: Float) -> Tensor {
        if p == 2 { return elementwise("pow", Fn.Square(), derivative: Fn.SquareGrad()) }
        let y = scalarMap { Foundation.pow($0, p) }
        return .result("pow", shape: shape, storage: y, inputs: [self]) { g in
            let slope = self.scalarMap { p * Foundation.pow($0, p - 1) }
            return [Tensor.gradient(g, slope, slope, Fn.TimesInput())]
        }
    }

    public static func + (x: Tensor, s: Float) -> Tensor {
        x.elementwise("add_scalar", Fn.AddScalar(s: s), derivative: Fn.PassGrad())
    }
    public static func + (s: Float, x: Tensor) -> Tensor { x + s }
    public static func - (x: Tensor, s: Float) -> Tensor { x + -s }
    public static func - (s: Float, x: Tensor) -> Tensor {
        x.elementwise("rsub_scalar", Fn.ScalarMinus(s: s), derivative: Fn.NegGrad())
    }
    public static func * (x: Tensor, s: Float) -> Tensor {
        x.elementwise("mul_scalar", Fn.MulScalar(s: s), derivative: Fn.ScaleGrad(s: s))
    }
    public static func * (s: Float, x: Tensor) -> Tensor { x * s }
    public static func / (x: Tensor, s: Float) -> Tensor {
        x.elementwise("div_scalar", Fn.DivScalar(s: s), derivative: Fn.DivGrad(s: s))
    }
}
