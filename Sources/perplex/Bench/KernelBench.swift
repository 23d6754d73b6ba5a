import ArgumentParser
import Foundation
import Tensor

#if canImport(Accelerate)
    import Accelerate
#else
    import CBLAS
#endif

/// `perplex bench kernels`: sgemm, vector math and the fused softmax-cross-entropy.
struct KernelBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "Benchmark the engine's kernels against bare OpenBLAS and scalar libm.")

    @Option(parsing: .unconditional, help: "Timed repetitions per measurement (the median is reported).")
    var repeats = 9

    @Option(
        parsing: .unconditional,
        help: "Elements per element-wise measurement (the default, an LSTM step's gates, stays in cache).")
    var elements = 16_000

    @Option(parsing: .unconditional, help: "FMA peak in GFLOP/s to report percentages against (default: measured).")
    var peakGflops: Double?

    func run() throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let peak = peakGflops ?? measuredFMAPeak(cores: cores)
        print(
            String(
                format: "machine: %d cores, FMA peak %.0f GFLOP/s (%@)", cores, peak,
                peakGflops == nil ? "measured" : "given"))
        benchSgemm(peak: peak)
        benchBF16()
        benchLinearPrecision()
        benchVectorMath()
        benchCrossEntropy()
    }

    /// The LM recipe's products as m×n×k (`Tensor.linear`, x·Wᵀ): decoder, LSTM input projection,
    /// a Transformer feed-forward or output projection, one LSTM step.
    func benchSgemm(peak: Double) {
        print("\nsgemm (m×n×k)          perplex GFLOP/s  % peak   bare OpenBLAS  ratio")
        let rng = RandomGenerator(seed: 1)
        for (m, n, k) in [(700, 10_000, 200), (700, 200, 800), (700, 200, 200), (700, 600, 200), (20, 800, 400)] {
            let a = Tensor.uniform([m, k], generator: rng)
            let b = Tensor.uniform([n, k], generator: rng)
            let flops = 2.0 * Double(m * n * k)
            // What the models call: the decoder-sized product takes the packed path.
            let ours = medianSeconds(repeats: repeats) {
                _ = Tensor.linear(a, weight: b)
            }
            let c = Tensor(uninitializedShape: [m, n])
            #if !canImport(Accelerate)
                openblas_set_num_threads(Int32(BLAS.maxThreads))
            #endif
            let bare = medianSeconds(repeats: repeats) {
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1,
                    a.pointer, Int32(k), b.pointer, Int32(k), 0, c.pointer, Int32(n))
            }
            let g = flops / ours / 1e9
            let gb = flops / bare / 1e9
            print(
                pad("\(m)×\(n)×\(k)", 22)
                    + String(
                        format: " %15.1f  %5.1f%%  %13.1f  %5.2f",
                        g, 100 * g / peak, gb, g / gb))
        }
    }

    /// The bfloat16 products (Tensor's BF16GEMM) against OpenBLAS's sgemm on the LM's shapes, one
    /// thread and all: `linear`'s three products on the small and medium decoders, the LSTM input
    /// projections and steps. "kernel" multiplies operands converted beforehand (a weight packed
    /// once per step), "+convert" converts both operands in the timed call.
    func benchBF16() {
        print("\n" + BF16Kernels.summary)
        guard BF16Kernels.isAvailable else { return }
        print("bf16 product (m×n×k, op)   threads  kernel GFLOP/s  +convert  OpenBLAS sgemm  kernel/sgemm")
        let shapes: [(m: Int, n: Int, k: Int, transA: Bool, transB: Bool)] = [
            (700, 10_000, 200, false, true), (700, 200, 10_000, false, false), (10_000, 200, 700, true, false),
            (700, 10_000, 650, false, true), (700, 650, 10_000, false, false), (10_000, 650, 700, true, false),
            (700, 800, 200, false, true), (700, 2600, 650, false, true), (20, 800, 200, false, true),
            (20, 2600, 650, false, true)
        ]
        let rng = RandomGenerator(seed: 5)
        let allThreads = BLAS.maxThreads
        defer { BLAS.maxThreads = allThreads }
        for (m, n, k, transA, transB) in shapes {
            let a = Tensor.uniform([m * k], generator: rng)
            let b = Tensor.uniform([k * n], generator: rng)
            let c = Tensor(uninitializedShape: [m, n])
            let flops = 2.0 * Double(m * n * k)
            let op = transA ? "AᵀB" : transB ? "ABᵀ" : "AB"
            for threads in Set([1, allThreads]).sorted() {
                let parallel = threads > 1
                BLAS.maxThreads = threads
                let rows = BF16Rows(a.pointer, m: m, k: k, transposed: transA)
                let panels = BF16Panels(b.pointer, k: k, n: n, transposed: transB)
                let kernel = medianSeconds(repeats: repeats) {
                    BF16GEMM.multiply(rows, panels, into: c.pointer, parallel: parallel)
                }
                let converting = medianSeconds(repeats: repeats) {
                    BF16GEMM.gemm(
                        transA: transA, transB: transB, m: m, n: n, k: k, a.pointer, b.pointer, into: c.pointer,
                        parallel: parallel)
                }
                let sgemm = medianSeconds(repeats: repeats) {
                    BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, a.pointer, b.pointer, c.pointer)
                }
                print(
                    pad("\(m)×\(n)×\(k) \(op)", 27)
                        + String(
                            format: "%7d  %14.1f  %8.1f  %14.1f  %12.2f", threads, flops / kernel / 1e9,
                            flops / converting / 1e9, flops / sgemm / 1e9, sgemm / kernel))
            }
        }
    }

    /// `Tensor.linear` forward and backward (the decoder's three products and the bias), and the
    /// fused `linearCrossEntropy`, in Float32 and with `Tensor.matrixPrecision` = bfloat16, on
    /// the small and medium decoders.
    func benchLinearPrecision() {
        guard BF16Kernels.isAvailable else { return }
        print("\nTensor.linear forward+backward     Float32 ms  bfloat16 ms  speed-up")
        let rng = RandomGenerator(seed: 6)
        for (rows, inF, outF) in [(700, 200, 10_000), (700, 650, 10_000)] {
            let x = Tensor.uniform([rows, inF], generator: rng)
            let w = Tensor.uniform([outF, inF], generator: rng)
            let b = Tensor.uniform([outF], generator: rng)
            let g = Tensor.uniform([rows, outF], generator: rng)
            for t in [x, w, b] { t.requiresGrad = true }
            func step() {
                (Tensor.linear(x, weight: w, bias: b) * g).sum().backward()
                for t in [x, w, b] { t.zeroGrad() }
            }
            let targets = (0..<rows).map { _ in Int(rng.next() % UInt64(outF)) }
            func fused() {
                Tensor.linearCrossEntropy(x, weight: w, bias: b, targets: targets).backward()
                for t in [x, w, b] { t.zeroGrad() }
            }
            for (name, body) in [("\(rows)×\(inF) → \(outF)", step), ("  with the fused loss", fused)] {
                let float32 = medianSeconds(repeats: repeats, body)
                let bf16 = medianSeconds(repeats: repeats) { Tensor.$matrixPrecision.withValue(.bfloat16, operation: body) }
                print(pad(name, 33) + String(format: "  %10.2f  %11.2f  %7.2f×", float32 * 1e3, bf16 * 1e3, float32 / bf16))
            }
        }
    }

    func benchVectorMath() {
        print("\nelement-wise, \(elements) floats")
        print("function                 perplex Gelem/s  scalar libm Gelem/s  speed-up")
        let n = elements
        let x = Tensor.uniform([n], low: -8, high: 8, generator: RandomGenerator(seed: 2))
        let y = Tensor(uninitializedShape: [n])
        let (src, dst) = (x.pointer, y.pointer)
        func report(_ name: String, vector: () -> Void, scalar: () -> Void) {
            let fast = medianSeconds(repeats: repeats, vector)
            let slow = medianSeconds(repeats: repeats, scalar)
            print(
                pad(name, 24)
                    + String(
                        format: " %15.2f  %19.2f  %7.1f×",
                        Double(n) / fast / 1e9, Double(n) / slow / 1e9, slow / fast))
        }
        report(
            "exp", vector: { Kernels.exp(src, dst, n) },
            scalar: { for i in 0..<n { dst[i] = Foundation.exp(src[i]) } })
        report(
            "tanh", vector: { Kernels.tanh(src, dst, n) },
            scalar: { for i in 0..<n { dst[i] = Foundation.tanh(src[i]) } })
        report(
            "sigmoid", vector: { Kernels.sigmoid(src, dst, n) },
            scalar: { for i in 0..<n { dst[i] = 1 / (1 + Foundation.exp(-src[i])) } })
        let rng = RandomGenerator(seed: 4)
        report(
            "dropout mask", vector: { rng.fillMask(dst, count: n, p: 0.8, value: 1.25) },
            scalar: { for i in 0..<n { dst[i] = rng.nextFloat() < 0.8 ? 1.25 : 0 } })
        let words = UnsafeMutablePointer<UInt64>.allocate(capacity: (n + 63) / 64)
        defer { words.deallocate() }
        report(
            "dropout bits", vector: { rng.fillKeepBits(words, count: n, p: 0.8) },
            scalar: { for i in 0..<n { dst[i] = rng.nextFloat() < 0.8 ? 1.25 : 0 } })
    }

    func benchCrossEntropy() {
        let (rows, classes) = (700, 10_000)
        let logits = Tensor.normal([rows, classes], generator: RandomGenerator(seed: 3))
        logits.requiresGrad = true
        let targets = (0..<rows).map { ($0 * 7919) % classes }
        let seconds = medianSeconds(repeats: repeats) {
            Tensor.crossEntropy(logits: logits, targets: targets).backward()
            logits.zeroGrad()
        }
        print(String(format: "\nsoftmax-cross-entropy forward+backward, %d×%d logits: %.2f ms", rows, classes, seconds * 1e3))
    }
}
