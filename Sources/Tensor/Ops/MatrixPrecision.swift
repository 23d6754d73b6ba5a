/// The input precision of the linear maps' matrix products (`linear`, `linearCrossEntropy`,
/// `geluLinear`: forward and both gradients). Sums, the bias and everything else stay Float32.
public enum MatrixPrecision: String, CaseIterable, Sendable {
    /// Float32 inputs (OpenBLAS and the packed kernel).
    case float32
    /// bfloat16 inputs (rounded to nearest even) with Float32 sums, on the AVX-512 BF16 kernels
    /// (`BF16GEMM`); where `BF16Kernels.isAvailable` is false the products stay Float32.
    case bfloat16
}

extension Tensor {
    /// The precision of the linear maps' products for the code run inside
    /// `Tensor.$matrixPrecision.withValue(.bfloat16) { … }` (a task-local value, so concurrent
    /// callers, tests among them, each keep their own). Float32 by default.
    @TaskLocal public static var matrixPrecision: MatrixPrecision = .float32

    /// Whether this product runs in bfloat16: asked for and the kernels are there.
    static var productsInBF16: Bool { matrixPrecision == .bfloat16 && BF16Kernels.isAvailable }
}
