/// Element-wise functions as types, so that kernels are specialised per function and the
/// function body is inlined into the loop (a closure would cost an indirect call per vector).
public protocol UnaryFunction {
    func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float>
}

public protocol BinaryFunction {
    func callAsFunction(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float>
}

/// f(g, x, y): the backward of an element-wise op from its output gradient g, input x, output y.
public protocol TernaryFunction {
    func callAsFunction(_ g: SIMD8<Float>, _ x: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float>
}

/// The functions the ops use.
public enum Fn {
    public typealias V = SIMD8<Float>

    public struct Exp: UnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction(_ x: V) -> V { VectorMath.exp(x) }
    }
    public struct Tanh: UnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction(_ x: V) -> V { VectorMath.tanh(x) }
    }
    public struct Sigmoid: UnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction(_ x: V) -> V { VectorMath.sigmoid(x) }
    }
    struct Neg: UnaryFunction { @inline(__always) func callAsFunction(_ x: V) -> V { -x } }
    struct Relu: UnaryFunction { @inline(__always) func callAsFunction(_ x: V) -> V { x.replacing(with: 0, where: .!(x .> 0)) } }
    struct Sqrt: UnaryFunction { @inline(__always) func callAsFunction(_ x: V) -> V { x.squareRoot() } }
    struct Square: UnaryFunction { @inline(__always) func callAsFunction(_ x: V) -> V { x * x } }
    struct AddScalar: UnaryFunction {
        let s: Float
        @inline(__always) func callAsFunction(_ x: V) -> V { x + s }
    }
    struct ScalarMinus: UnaryFunction {
        let s: Float
        @inline(__always) func callAsFunction(_ x: V) -> V { s - x }
    }
    struct MulScalar: UnaryFunction {
        let s: Float
        @inline(__always) func callAsFunction(_ x: V) -> V { x * s }
    }
    struct DivScalar: UnaryFunction {
        let s: Float
        @inline(__always) func callAsFunction(_ x: V) -> V { x / s }
    }

    struct Add: BinaryFunction { @inline(__always) func callAsFunction(_ a: V, _ b: V) -> V { a + b } }
    struct Sub: BinaryFunction { @inline(__always) func callAsFunction(_ a: V, _ b: V) -> V { a - b } }
    struct Mul: BinaryFunction { @inline(__always) func callAsFunction(_ a: V, _ b: V) -> V { a * b } }
    struct Div: BinaryFunction { @inline(__always) func callAsFunction(_ a: V, _ b: V) -> V { a / b } }
    struct Axpy: BinaryFunction {
        let alpha: Float
        @inline(__always) func callAsFunction(_ x: V, _ y: V) -> V { y.addingProduct(V(repeating: alpha), x) }
    }
    /// a where the mask b is zero, else the fill value.
    struct MaskFill: BinaryFunction {
        let fill: Float
        @inline(__always) func callAsFunction(_ a: V, _ m: V) -> V { a.replacing(with: fill, where: m .!= 0) }
    }

    struct PassGrad: TernaryFunction { @inline(__always) func callAsFunction(_ g: V, _ x: V, _ y: V) -> V { g } }
    struct NegGrad: TernaryFunction { @inline(__always) func callAsFunction(_ g: V, _ x: V, _ y: V) -> V { -g } }
    struct ScaleGrad: TernaryFunction {
        let s: Float
        @inline(__always) func callAsFunction(_ g: V, _ x: V, _ y: V) -> V { g * s }
    }
    struct DivGrad: TernaryFunction {
        let s: Float
        @inline(__always) func callAsFunction(_ g: V, _ x: V, _ y: V) -> V { g / s }
    }
    /// g · y (exp).
    struct TimesOutput: TernaryFunction { @inline(__always) func callAsFunction(_ g: V, _ x: V, _ y: V) -> V { g * y } }
    /// g / x (log).
    struct OverInput: TernaryFunction { @inline(__always) func callAsFunction(_ g: V, _ x: V, _ y: V) -> V { g / x } }
    /// g · x (a precomputed derivative passed as x).
    struct TimesInput: TernaryFunction { @inline(__always) func callAsFunction(_ g: V, _ x: V, _ y: V) -> V { g * x } }
    struct TanhGrad: TernaryFunction { @inline(__always) func callAsFunction(_ g: V, _ x: V, _ y: V) -> V { g * (1 - y * y) } }
    struct SigmoidGrad: TernaryFunction { @inline(__always) func callAsFunction(_ g: V, _ x: V, _ y: V) -> V { g * y * (1 - y) } }
    struct ReluGrad: TernaryFunction {
        @inline(__always) func callAsFunction(_ g: V, _ x: V, _ y: V) -> V { g.replacing(with: 0, where: .!(x .> 0)) }
    }
    struct SqrtGrad: TernaryFunction { @inline(__always) func callAsFunction(_ g: V, _ x: V, _ y: V) -> V { g * 0.5 / y } }
    struct SquareGrad: TernaryFunction { @inline(__always) func callAsFunction(_ g: V, _ x: V, _ y: V) -> V { g * 2 * x } }
}
