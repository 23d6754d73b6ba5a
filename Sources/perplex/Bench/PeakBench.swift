import ArgumentParser
import Foundation
import Tensor

/// `perplex bench peak`: the machine's measured Float32 FMA peak, the yardstick of `bench lm`'s
/// "% of peak" (scripts/bench_lm.py reads the number's line, the first), then the matrix-product
/// kernels this CPU gets and, where it has AVX-512 BF16, the rate of a bfloat16 product.
struct PeakBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peak",
        abstract: "Measure the machine's Float32 FMA peak in GFLOP/s (all cores).")

    @Option(help: "Cores to run on (default: all active processors).") var cores = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard cores >= 1 else { throw ValidationError("--cores must be at least 1, got \(cores)") }
    }

    func run() {
        let peak = measuredFMAPeak(cores: cores)
        print(String(format: "FMA peak %.1f GFLOP/s on %d cores", peak, cores))
        print(BF16Kernels.summary)
        if BF16Kernels.isAvailable {
            // The small LSTM's input projection: its operands stay in cache, so this is the
            // kernel's rate, not the memory's. On the pool's threads (all cores).
            let (m, n, k) = (700, 800, 200)
            let rng = RandomGenerator(seed: 1)
            let a = BF16Rows(Tensor.uniform([m, k], generator: rng).pointer, m: m, k: k)
            let b = BF16Panels(Tensor.uniform([n, k], generator: rng).pointer, k: k, n: n, transposed: true)
            let c = Tensor(uninitializedShape: [m, n])
            let seconds = (0..<5).map { _ in medianSeconds(repeats: 5) { BF16GEMM.multiply(a, b, into: c.pointer) } }.min()!
            let rate = 2.0 * Double(m * n * k) / seconds / 1e9
            print(String(format: "bfloat16 product %d×%d×%d: %.1f GFLOP/s (%.2f× the FMA peak)", m, n, k, rate, rate / peak))
        }
    }
}
