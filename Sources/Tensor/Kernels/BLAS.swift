#if canImport(Accelerate)
    import Accelerate
#else
    import CBLAS
    import Foundation
#endif

/// Row-major single-precision products through CBLAS, with the thread policy of DESIGN.md:
/// small products run on one thread (two threads made 20×800×400 slower), large ones on all cores.
public enum BLAS {
    /// Products with fewer multiply-adds than this run single-threaded.
    public nonisolated(unsafe) static var parallelThreshold = 4_000_000
    nonisolated(unsafe) private static var currentThreads = -1

    /// Threads OpenBLAS may use for large products (all cores by default).
    public nonisolated(unsafe) static var maxThreads: Int = {
        #if canImport(Accelerate)
            return 1
        #else
            quietIdleThreads()
            return Int(openblas_get_num_threads())
        #endif
    }()

    #if !canImport(Accelerate)
        /// OpenBLAS's idle threads spin for about 2^28 cycles after each product, taking the second
        /// core from the element-wise work that follows (DESIGN.md). It reads OPENBLAS_THREAD_TIMEOUT
        /// only when it loads, so set the shortest timeout (unless the user chose one), re-read the
        /// environment and restart its threads (they start again on the next parallel product).
        private static func quietIdleThreads() {
            setenv("OPENBLAS_THREAD_TIMEOUT", "4", 0)
            openblas_read_env()
            _ = blas_thread_shutdown_()
        }
    #endif

    static func setThreads(_ n: Int) {
        #if !canImport(Accelerate)
            if n != currentThreads {
                _ = maxThreads  // configures OpenBLAS's threads on first use
                openblas_set_num_threads(Int32(n))
                currentThreads = n
            }
        #endif
    }

    /// C = alpha · op(A) · op(B) + beta · C with op(A) [m, k], op(B) [k, n], C [m, n], all row-major.
    /// `transA` means A is stored as [k, m]; `transB` means B is stored as [n, k].
    public static func sgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
        beta: Float = 0, _ c: UnsafeMutablePointer<Float>
    ) {
        if m > 0, n > 0, k > 0 { setThreads(m * n * k >= parallelThreshold && m >= 16 ? maxThreads : 1) }
        sgemmAsConfigured(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a, b, beta: beta, c)
    }

    /// `sgemm` without touching OpenBLAS's thread count: for callers that set it once (to 1) and
    /// then multiply from several threads at once. `lda`, `ldb`, `ldc` are row strides for
    /// matrices inside wider rows (one head's columns of a [L, N, 3E] projection); by default
    /// each matrix is dense.
    static func sgemmAsConfigured(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, _ a: UnsafePointer<Float>, lda: Int? = nil, _ b: UnsafePointer<Float>, ldb: Int? = nil,
        beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int? = nil
    ) {
        guard m > 0, n > 0 else { return }
        let ldc = ldc ?? n
        guard k > 0 else {
            for r in 0..<m {
                let row = c + r * ldc
                if beta == 0 { row.update(repeating: 0, count: n) } else if beta != 1 { for i in 0..<n { row[i] *= beta } }
            }
            return
        }
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha,
            a, Int32(lda ?? (transA ? m : k)), b, Int32(ldb ?? (transB ? k : n)), beta, c, Int32(ldc))
    }
}
