import CBF16
import Foundation

/// Which bfloat16 product kernels this process uses, and the rounding they share.
///
/// The AVX-512 BF16 path (VDPBF16PS: two bfloat16 products added to a Float32 sum per lane, twice
/// the Float32 FMA rate) runs when the CPU has it and `PERPLEX_NO_BF16` is unset, empty or "0";
/// otherwise every product runs the portable reference, which rounds and adds in the same order,
/// so results are bit-identical either way (Sources/CBF16/include/CBF16.h states the numerics).
/// Setting `PERPLEX_NO_BF16=1` simulates a CPU without the instructions.
public enum BF16Kernels {
    /// Whether the CPU executes AVX-512 BF16, whatever the environment says.
    public static let cpuHasAVX512BF16 = perplex_bf16_cpu_has_avx512bf16() != 0

    /// Whether bfloat16 products take the AVX-512 BF16 path in this process (read once).
    public static let isAvailable = perplex_bf16_fast_path() != 0

    /// One line for `perplex --version` and `bench peak`: the matrix-product kernels this CPU gets.
    public static var summary: String {
        let float32 = cpuHasAVX512F ? "Float32 AVX-512 (OpenBLAS) and AVX2 FMA (packed)" : "Float32 AVX2 FMA"
        let bf16: String
        if isAvailable {
            bf16 = "bfloat16 AVX-512 BF16 (VDPBF16PS)"
        } else if cpuHasAVX512BF16 {
            bf16 = "bfloat16: disabled by PERPLEX_NO_BF16, falls back to Float32"
        } else {
            bf16 = "bfloat16: not available on this CPU, falls back to Float32"
        }
        return "matrix products: \(float32); \(bf16)"
    }

    /// Whether the CPU has AVX-512 F (what OpenBLAS picks its sgemm by).
    static let cpuHasAVX512F: Bool = {
        #if arch(x86_64) && os(Linux)
            let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
            return info.contains(" avx512f")
        #else
            return false
        #endif
    }()

    /// Float32 → bfloat16 bits, rounded to nearest even; NaN stays a (quiet) NaN, denormals
    /// become zero of the same sign (as VCVTNEPS2BF16 does).
    public static func round(_ x: Float) -> UInt16 { perplex_bf16_round(x) }

    /// bfloat16 bits → Float32 (exact).
    public static func float(_ bits: UInt16) -> Float { perplex_bf16_to_float(bits) }

    /// Runs `body` over `0..<units` in one range per thread when `work` (values converted) is
    /// worth splitting, else in one range here. Conversion writes disjoint outputs, so the bits
    /// do not depend on the split.
    static func split(units: Int, work: Int, _ body: (Range<Int>) -> Void) {
        let chunks = work >= 1 << 17 ? Swift.min(units, Parallel.threadCount) : 1
        guard chunks > 1 else {
            body(0..<units)
            return
        }
        Parallel.forEach(chunks: chunks) { body(Parallel.range(of: $0, chunks: chunks, count: units)) }
    }

    /// dst[i] = round(src[i]) for i < count, on the fast path when it is on.
    public static func convert(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<UInt16>, count: Int) {
        perplex_bf16_convert(src, dst, count)
    }
}

/// bfloat16 values in a recycled buffer (`BufferCache`): a packed activation is as large as the
/// activation, and fresh pages for it every step cost page faults. Contents undefined until written.
final class BF16Storage: @unchecked Sendable {
    let count: Int
    let pointer: UnsafeMutablePointer<UInt16>

    init(count: Int) {
        self.count = Swift.max(count, 1)
        pointer = BufferCache.allocate(bytes: self.count * MemoryLayout<UInt16>.stride)
            .bindMemory(to: UInt16.self, capacity: self.count)
    }

    deinit { BufferCache.release(UnsafeMutableRawPointer(pointer), bytes: count * MemoryLayout<UInt16>.stride) }
}

/// A left operand A [m, k] in bfloat16: m rows of k rounded up to even (zero-padded), as the
/// product's pair-wise kernel reads them.
public struct BF16Rows {
    public let m: Int
    public let k: Int
    let storage: BF16Storage

    /// Converts A [m, k] from Float32. `transposed`: the source is stored as [k, m] (A = Sᵀ, the
    /// gradient dY of a linear map read as dYᵀ for its weight gradient); `lda` is the source's row
    /// stride (default: dense).
    public init(_ a: UnsafePointer<Float>, m: Int, k: Int, lda: Int? = nil, transposed: Bool = false) {
        self.init(uninitializedM: m, k: k)
        let (lda, kp) = (lda ?? (transposed ? m : k), Int(perplex_bf16_padded_k(k)))
        let out = storage.pointer
        // Blocks of 16 rows over the cores (a transposed source packs 16 × 16 at a time).
        BF16Kernels.split(units: (m + 15) / 16, work: m * k) { blocks in
            let rows = (blocks.lowerBound * 16)..<Swift.min(m, blocks.upperBound * 16)
            let source = transposed ? a + rows.lowerBound : a + rows.lowerBound * lda
            perplex_bf16_pack_a(source, lda, transposed ? 1 : 0, rows.count, k, out + rows.lowerBound * kp)
        }
    }
}

extension BF16Rows {
    /// Room for A [m, k], written piece by piece with `convertRow` and `packTransposed` (into
    /// storage that copies of this value share), e.g. while a gradient's rows are in cache.
    public init(uninitializedM m: Int, k: Int) {
        precondition(m >= 0 && k >= 0, "BF16Rows: negative size \(m) × \(k)")
        self.m = m
        self.k = k
        storage = BF16Storage(count: m * Int(perplex_bf16_padded_k(k)))
    }

    /// Row i of A from the k floats at `source` (and its padding).
    public func convertRow(_ i: Int, from source: UnsafePointer<Float>) {
        perplex_bf16_pack_a(source, k, 0, 1, k, storage.pointer + i * Int(perplex_bf16_padded_k(k)))
    }

    /// Columns `columns` of A = Sᵀ from those rows of S [k, m] (rows `lds` floats apart, `source`
    /// its first row): the same bits as `init(_:m:k:transposed: true)` once every column is
    /// written. Columns start even, and end even or at k.
    public func packTransposed(_ source: UnsafePointer<Float>, lds: Int, columns: Range<Int>) {
        precondition(
            columns.lowerBound % 2 == 0 && (columns.upperBound % 2 == 0 || columns.upperBound == k) && columns.upperBound <= k,
            "BF16Rows: columns \(columns) of \(k) must start even and end even or at k")
        perplex_bf16_pack_a_transposed_range(source, lds, m, k, columns.lowerBound, columns.upperBound, storage.pointer)
    }
}

/// A right operand B [k, n] in bfloat16 panels of 16 columns, k in interleaved pairs (the
/// layout VDPBF16PS reads). Pack a weight once per step and multiply by it many times.
public struct BF16Panels {
    public let k: Int
    public let n: Int
    /// Panels of 16 columns (the last zero-padded).
    public var panels: Int { (n + 15) / 16 }
    let storage: BF16Storage

    /// Converts B [k, n] from Float32. `transposed`: the source is stored as [n, k] (a weight W
    /// [out, in] with B = Wᵀ, the forward product of `Tensor.linear`); `ldb` is the source's row
    /// stride (default: dense).
    public init(_ b: UnsafePointer<Float>, k: Int, n: Int, ldb: Int? = nil, transposed: Bool = false) {
        self.init(k: k, n: n)
        let (ldb, kp) = (ldb ?? (transposed ? k : n), Int(perplex_bf16_padded_k(k)))
        let out = storage.pointer
        // Panels over the cores: panel p's kp × 16 values start at p · kp · 16.
        BF16Kernels.split(units: (n + 15) / 16, work: k * n) { panels in
            let columns = (panels.lowerBound * 16)..<Swift.min(n, panels.upperBound * 16)
            let source = transposed ? b + columns.lowerBound * ldb : b + columns.lowerBound
            perplex_bf16_pack_b(source, ldb, transposed ? 1 : 0, k, columns.count, out + panels.lowerBound * kp * 16)
        }
    }

    /// Room for B [k, n], not yet written.
    private init(k: Int, n: Int) {
        precondition(k >= 0 && n >= 0, "BF16Panels: negative size \(k) × \(n)")
        self.k = k
        self.n = n
        storage = BF16Storage(count: perplex_bf16_packed_b_count(k, n))
    }

    /// Room for B [k, n] set to zeros (the padding of pairs and of the last panel), for a packing
    /// that writes the values one place at a time.
    init(zerosK k: Int, n: Int) {
        self.init(k: k, n: n)
        storage.pointer.initialize(repeating: 0, count: storage.count)
    }
}

/// Matrix products with bfloat16 inputs and Float32 sums: C [m, n] (+)= A [m, k] · B [k, n].
public enum BF16GEMM {
    /// Which kernel a product runs.
    public enum Path: Sendable {
        /// AVX-512 BF16 when `BF16Kernels.isAvailable`, else the reference.
        case dispatched
        /// The portable reference (the same bits, one multiply-add at a time).
        case reference
    }

    /// C [m, n] (+)= A · B, C's rows `ldc` floats apart (default n). With `accumulate` each sum
    /// starts from C's value, else from `bias` [n] when given (in the kernel's registers: copying
    /// it into C's rows first was a serial pass over C), else from zero. `parallel` splits B's
    /// panels, or A's rows when B has few panels, over the thread pool (each thread writes its
    /// own part of C, each sum in the same order, so the result does not depend on the threads).
    public static func multiply(
        _ a: BF16Rows, _ b: BF16Panels, into c: UnsafeMutablePointer<Float>, ldc: Int? = nil,
        accumulate: Bool = false, bias: UnsafePointer<Float>? = nil, parallel: Bool = true, path: Path = .dispatched
    ) {
        precondition(a.k == b.k, "BF16GEMM: inner sizes differ, A [\(a.m), \(a.k)] · B [\(b.k), \(b.n)]")
        precondition(!(accumulate && bias != nil), "BF16GEMM: a bias starts the sums, so it cannot accumulate")
        let ldc = ldc ?? b.n
        precondition(ldc >= b.n, "BF16GEMM: ldc \(ldc) is narrower than n \(b.n)")
        let panels = b.panels
        guard a.m > 0, panels > 0 else { return }
        let (ap, bp, kp) = (a.storage.pointer, b.storage.pointer, Int(perplex_bf16_padded_k(a.k)))
        func run(rows: Range<Int>, panels: Range<Int>) {
            let (a, c) = (ap + rows.lowerBound * kp, c + rows.lowerBound * ldc)
            switch path {
            case .dispatched:
                perplex_bf16_gemm(
                    a, rows.count, b.k, bp, b.n, panels.lowerBound, panels.upperBound, c, ldc, accumulate ? 1 : 0, bias)
            case .reference:
                perplex_bf16_gemm_reference(
                    a, rows.count, b.k, bp, b.n, panels.lowerBound, panels.upperBound, c, ldc, accumulate ? 1 : 0, bias)
            }
        }
        let threads = parallel ? Parallel.threadCount : 1
        if threads <= 1 || (panels < threads && a.m < 12 * threads) {
            run(rows: 0..<a.m, panels: 0..<panels)
        } else if panels < 16 * threads && a.m >= 12 * threads {
            // Few panels (a product 200 columns wide has 12½) split unevenly and leave a core
            // idle for a panel's time: rows, in whole 6-row tiles, split evenly.
            let tiles = (a.m + 5) / 6
            Parallel.forEach(chunks: threads) { chunk in
                let share = Parallel.range(of: chunk, chunks: threads, count: tiles)
                run(rows: (6 * share.lowerBound)..<Swift.min(a.m, 6 * share.upperBound), panels: 0..<panels)
            }
        } else {
            let chunks = Swift.min(panels, threads)
            Parallel.forEach(chunks: chunks) {
                run(rows: 0..<a.m, panels: Parallel.range(of: $0, chunks: chunks, count: panels))
            }
        }
    }

    /// C [m, n] (+)= op(A) · op(B) from Float32 operands, as `BLAS.sgemm` takes them: op(A) [m, k]
    /// (A stored [k, m] with `transA`), op(B) [k, n] (B stored [n, k] with `transB`), all dense.
    /// `Tensor.linear`'s products: forward x·Wᵀ (transB), input gradient dY·W, weight gradient
    /// dYᵀ·x (transA).
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
        into c: UnsafeMutablePointer<Float>, accumulate: Bool = false, bias: UnsafePointer<Float>? = nil,
        parallel: Bool = true, path: Path = .dispatched
    ) {
        multiply(
            BF16Rows(a, m: m, k: k, transposed: transA), BF16Panels(b, k: k, n: n, transposed: transB), into: c,
            accumulate: accumulate, bias: bias, parallel: parallel, path: path)
    }
}
