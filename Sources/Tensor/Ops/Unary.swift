import Foundation

extension Tensor {
    public typealias Vector = SIMD8<Float>

    /// Applies `f` lane-wise into a new tensor of the same shape.
    @inline(__always)
    func mapped(_ f: (Vector) -> Vector) -> TensorStorage {
        let out = TensorStorage(uninitializedCount: count)
        Kernels.map(pointer, out.pointer, count, f)
        return out
    }

    /// Builds g ⊙ f(x, y) where x is this input and y the op's output, for element-wise backward.
    static func gradient(
        _ g: Tensor, _ x: TensorStorage, _ y: TensorStorage,
        _ f: (Vector, Vector, Vector) -> Vector
    ) -> Tensor {
        let out = Tensor(uninitializedShape: g.shape)
        Kernels.zip3(g.pointer, x.pointer, y.pointer, out.pointer, g.count, f)
        return out
    }

    /// An element-wise op whose derivative is `derivative(g, x, y)` with y = f(x).
    @inline(__always)
    func elementwise(
        _ name: String, _ f: (Vector) -> Vector,
        derivative: @escaping (Vector, Vector, Vector) -> Vector
    ) -> Tensor {
        let y = mapped(f)
        let x = storage
        return .result(name, shape: shape, storage: y, inputs: [self]) { g in
            [Tensor.gradient(g, x, y, derivative)]
        }
    }

    public static prefix func - (x: Tensor) -> Tensor {
        x.elementwise("neg", { -$0 }, derivative: { g, _, _ in -g })
    }

    /// e^x.
    public func exp() -> Tensor {
        elementwise("exp", VectorMath.exp, derivative: { g, _, y in g * y })
    }

    /// Natural logarithm; d/dx = 1/x.
    public func log() -> Tensor {
        let out = TensorStorage(uninitializedCount: count)
        let x = pointer, y = out.pointer
        Kernels.parallelFor(count, grain: 1 << 14) { range in
            for i in range { y[i] = Foundation.log(x[i]) }
        }
        let input = storage
        return .result("log", shape: shape, storage: out, inputs: [self]) { g in
            [Tensor.gradient(g, input, out) { g, x, _ in g / x }]
        }
    }

    /// tanh(x); d/dx = 1 - y².
    public func tanh() -> Tensor {
        elementwise("tanh", VectorMath.tanh, derivative: { g, _, y in g * (1 - y * y) })
    }

    /// σ(x) = 1/(1 + e^{-x}); d/dx = y(1 - y).
    public func sigmoid() -> Tensor {
        elementwise("sigmoid", VectorMath.sigmoid, derivative: { g, _, y in g * y * (1 - y) })
    }

    /// max(x, 0); the gradient at 0 is 0, as in PyTorch.
    public func relu() -> Tensor {
        elementwise("relu", { x in x.replacing(with: 0, where: .!(x .> 0)) },
                    derivative: { g, x, _ in g.replacing(with: 0, where: .!(x .> 0)) })
    }

    /// √x; d/dx = 1/(2y).
    public func sqrt() -> Tensor {
        elementwise("sqrt", { $0.squareRoot() }, derivative: { g, _, y in g * 0.5 / y })
    }

    /// x^p for a scalar exponent; d/dx = p·x^{p-1}.
    public func pow(_ p: Float) -> Tensor {
        if p == 2 { return elementwise("pow", { $0 * $0 }, derivative: { g, x, _ in g * 2 * x }) }
        let out = TensorStorage(uninitializedCount: count)
        let x = pointer, y = out.pointer
        Kernels.parallelFor(count, grain: 1 << 14) { range in
            for i in range { y[i] = Foundation.pow(x[i], p) }
        }
        let input = storage
        return .result("pow", shape: shape, storage: out, inputs: [self]) { g in
            let d = TensorStorage(uninitializedCount: input.count)
            for i in 0..<input.count { d.pointer[i] = p * Foundation.pow(input.pointer[i], p - 1) }
            return [Tensor.gradient(g, d, d) { g, d, _ in g * d }]
        }
    }

    public static func + (x: Tensor, s: Float) -> Tensor {
        x.elementwise("add_scalar", { $0 + s }, derivative: { g, _, _ in g })
    }
    public static func + (s: Float, x: Tensor) -> Tensor { x + s }
    public static func - (x: Tensor, s: Float) -> Tensor { x + -s }
    public static func - (s: Float, x: Tensor) -> Tensor {
        x.elementwise("rsub_scalar", { s - $0 }, derivative: { g, _, _ in -g })
    }
    public static func * (x: Tensor, s: Float) -> Tensor {
        x.elementwise("mul_scalar", { $0 * s }, derivative: { g, _, _ in g * s })
    }
    public static func * (s: Float, x: Tensor) -> Tensor { x * s }
    public static func / (x: Tensor, s: Float) -> Tensor {
        x.elementwise("div_scalar", { $0 / s }, derivative: { g, _, _ in g / s })
    }
}
