/// The input precision of the linear maps' matrix products (`linear`, `linearCrossEntropy`,
/// `geluLinear`, the fused recurrent layers, evaluation's decoder scoring: forward and
/// gradients). Sums, the bias, the optimizer's state and everything else stay Float32.
/// The raw values are the `--precision` flag's words.
public enum MatrixPrecision: String, CaseIterable, Codable, Sendable {
    /// Float32 inputs (OpenBLAS and the packed kernel).
    case float32 = "fp32"
    /// bfloat16 inputs (rounded to nearest even) with Float32 sums, on the AVX-512 BF16 kernels
    /// (`BF16GEMM`); where `BF16Kernels.isAvailable` is false the products stay Float32.
    case bfloat16 = "bf16"

    /// One line saying that this precision falls back to Float32 in this process, and why; nil
    /// when it runs as asked.
    public var fallback: String? {
        guard self == .bfloat16, !BF16Kernels.isAvailable else { return nil }
        let why =
            BF16Kernels.cpuHasAVX512BF16
            ? "PERPLEX_NO_BF16 turns the AVX-512 BF16 kernels off" : "this CPU has no AVX-512 BF16 (VDPBF16PS)"
        return "--precision bf16: \(why); the products run in Float32"
    }

    /// Runs `body` with the linear maps' products in this precision (see `Tensor.matrixPrecision`).
    public func apply<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        var result: Result<T, E>?
        Tensor.$matrixPrecision.withValue(self) { result = Result { () throws(E) in try body() } }
        return try result!.get()
    }
}

extension Tensor {
    /// The precision of the linear maps' products for the code run inside
    /// `Tensor.$matrixPrecision.withValue(.bfloat16) { … }` (a task-local value, so concurrent
    /// callers, tests among them, each keep their own). Float32 by default. Work handed to the
    /// thread pool does not see it: read it on the calling thread and pass it on.
    @TaskLocal public static var matrixPrecision: MatrixPrecision = .float32

    /// Whether this product runs in bfloat16: asked for and the kernels are there.
    static var productsInBF16: Bool { matrixPrecision == .bfloat16 && BF16Kernels.isAvailable }
}
