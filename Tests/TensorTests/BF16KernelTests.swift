import Foundation
import Tensor
import Testing

/// The bfloat16 kernels: rounding against hand-made cases, the AVX-512 BF16 path against the
/// portable reference bit for bit (when this CPU has it and PERPLEX_NO_BF16 is unset; otherwise
/// both sides are the reference and the tests check the packing and the sums themselves), and
/// the reference against a Float64 product of the rounded inputs.
@Suite struct BF16KernelTests {
    @Test func roundsToNearestEven() {
        let cases: [(UInt32, UInt16)] = [
            (0x3F80_0000, 0x3F80),  // 1
            (0x3F80_7FFF, 0x3F80),  // below half: down
            (0x3F80_8000, 0x3F80),  // tie, even: stays
            (0x3F81_8000, 0x3F82),  // tie, odd: up to even
            (0x3F80_8001, 0x3F81),  // above half: up
            (0xBF81_8000, 0xBF82),  // negative tie
            (0x7F7F_FFFF, 0x7F80),  // the largest float rounds to infinity
            (0x7F80_0000, 0x7F80),  // infinity
            (0xFF80_0000, 0xFF80),
            (0x7F80_0001, 0x7FC0),  // signalling NaN: quiet
            (0xFFC1_2345, 0xFFC1),  // quiet NaN keeps its top bits
            (0x0000_0001, 0x0000),  // denormals: zero of the same sign
            (0x807F_FFFF, 0x8000),
            (0x0080_0000, 0x0080),  // the smallest normal stays
            (0x8000_0000, 0x8000)
        ]
        for (input, expected) in cases {
            #expect(BF16Kernels.round(Float(bitPattern: input)) == expected, "round(0x\(String(input, radix: 16)))")
        }
        #expect(BF16Kernels.float(0x3F80) == 1)
        #expect(BF16Kernels.float(0xC0A0) == -5)
    }

    /// The bulk conversion (AVX-512 when on) against one value at a time, over random bit
    /// patterns and every tail length.
    @Test func bulkConversionMatchesRounding() {
        let rng = RandomGenerator(seed: 5)
        var xs = (0..<20_000).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())) }
        xs += [0, -0, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, 1.00390625, 1.01171875]
        for count in [0, 1, 15, 16, 17, 31, xs.count] {
            var out = [UInt16](repeating: 0xAAAA, count: count)
            xs.withUnsafeBufferPointer { BF16Kernels.convert($0.baseAddress!, &out, count: count) }
            #expect(out == xs.prefix(count).map(BF16Kernels.round), "count \(count)")
        }
    }

    /// Shapes around the 6-row × 4-panel tile, the 16-column panel and k's pairs and blocks.
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (1, 16, 2), (5, 17, 3), (6, 64, 4), (7, 65, 7), (13, 33, 31), (12, 80, 96), (19, 100, 193),
        (250, 70, 40), (9, 48, 401)
    ]

    static func values(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        let rng = RandomGenerator(seed: seed)
        return (0..<count).map { _ in (rng.nextFloat() - 0.5) * 4 * scale }
    }

    /// Dispatched against reference, every transpose, with and without accumulation, one and
    /// all threads: the same bits.
    @Test(arguments: [false, true], [false, true])
    func kernelMatchesReference(transA: Bool, transB: Bool) {
        for (index, (m, n, k)) in Self.shapes.enumerated() {
            let a = Self.values(m * k, seed: UInt64(3 * index + 1))
            let b = Self.values(k * n, seed: UInt64(3 * index + 2))
            let c0 = Self.values(m * n, seed: UInt64(3 * index + 3))
            for accumulate in [false, true] {
                var reference = c0
                var parallel = c0
                var serial = c0
                BF16GEMM.gemm(
                    transA: transA, transB: transB, m: m, n: n, k: k, a, b, into: &reference, accumulate: accumulate,
                    parallel: false, path: .reference)
                BF16GEMM.gemm(
                    transA: transA, transB: transB, m: m, n: n, k: k, a, b, into: &parallel, accumulate: accumulate)
                BF16GEMM.gemm(
                    transA: transA, transB: transB, m: m, n: n, k: k, a, b, into: &serial, accumulate: accumulate,
                    parallel: false)
                let label = "\(m)×\(n)×\(k) transA \(transA) transB \(transB) accumulate \(accumulate)"
                #expect(parallel.map(\.bitPattern) == reference.map(\.bitPattern), "\(label), parallel")
                #expect(serial.map(\.bitPattern) == reference.map(\.bitPattern), "\(label), serial")
            }
        }
    }

    /// A bias starts each sum in the kernel's registers: the same bits as accumulating onto rows
    /// that hold the bias, on the dispatched path and the reference, serial and parallel.
    @Test func biasStartsTheSums() {
        for (index, (m, n, k)) in Self.shapes.enumerated() {
            let a = Self.values(m * k, seed: UInt64(5 * index + 1))
            let b = Self.values(k * n, seed: UInt64(5 * index + 2))
            let bias = Self.values(n, seed: UInt64(5 * index + 3))
            var expected = (0..<m).flatMap { _ in bias }
            BF16GEMM.gemm(
                transA: false, transB: true, m: m, n: n, k: k, a, b, into: &expected, accumulate: true, parallel: false,
                path: .reference)
            for (path, parallel) in [(BF16GEMM.Path.reference, false), (.dispatched, false), (.dispatched, true)] {
                var c = [Float](repeating: .nan, count: m * n)
                bias.withUnsafeBufferPointer { bias in
                    BF16GEMM.gemm(
                        transA: false, transB: true, m: m, n: n, k: k, a, b, into: &c, bias: bias.baseAddress,
                        parallel: parallel, path: path)
                }
                #expect(c.map(\.bitPattern) == expected.map(\.bitPattern), "\(m)×\(n)×\(k) \(path) parallel \(parallel)")
            }
        }
    }

    /// A transposed operand packed a range of columns at a time (as the fused decoder loss does
    /// while its gradient rows are in cache) holds the same bits as one packed whole, on both
    /// paths: read back through a product with the identity, which is exact.
    @Test(arguments: [(37, 700), (16, 64), (5, 33), (40, 31), (33, 1), (18, 96)])
    func transposedPackingByRangesMatchesTheWhole(shape: (m: Int, k: Int)) {
        let (m, k) = shape
        let source = Self.values(k * m, seed: 41)
        var identity = [Float](repeating: 0, count: k * k)
        for i in 0..<k { identity[i * k + i] = 1 }
        let panels = BF16Panels(identity, k: k, n: k)
        let expected = (0..<m).flatMap { i in (0..<k).map { kk in BF16Kernels.float(BF16Kernels.round(source[kk * m + i])) } }
        for path in [BF16GEMM.Path.reference, .dispatched] {
            let whole = BF16Rows(source, m: m, k: k, transposed: true)
            var c = [Float](repeating: .nan, count: m * k)
            BF16GEMM.multiply(whole, panels, into: &c, path: path)
            #expect(c == expected, "\(m)×\(k) whole, \(path)")
            for step in [2, 10, 32, 64] {
                let pieces = BF16Rows(uninitializedM: m, k: k)
                for start in stride(from: 0, to: k, by: step) {
                    pieces.packTransposed(source, lds: m, columns: start..<Swift.min(k, start + step))
                }
                var d = [Float](repeating: .nan, count: m * k)
                BF16GEMM.multiply(pieces, panels, into: &d, path: path)
                #expect(d.map(\.bitPattern) == c.map(\.bitPattern), "\(m)×\(k) in ranges of \(step), \(path)")
            }
        }
    }

    /// The reference is the product of the rounded inputs: within k·2⁻²³ of Σ|a·b| of the exact
    /// (Float64) sum, each of the 2⁻²⁴-bounded roundings counted once per term. The larger shapes
    /// pack A (260 × 520) or B (500 × 270) over the cores, block by block.
    @Test(arguments: [
        (9, 37, 301, false, false), (260, 33, 520, true, false), (260, 33, 520, false, false),
        (5, 270, 500, false, true), (5, 270, 500, false, false)
    ])
    func referenceIsTheProductOfRoundedInputs(shape: (m: Int, n: Int, k: Int, transA: Bool, transB: Bool)) {
        let (m, n, k, transA, transB) = shape
        let a = Self.values(m * k, seed: 21)
        let b = Self.values(k * n, seed: 22)
        var c = [Float](repeating: .nan, count: m * n)
        BF16GEMM.gemm(transA: transA, transB: transB, m: m, n: n, k: k, a, b, into: &c, path: .reference)
        let ra = a.map { Double(BF16Kernels.float(BF16Kernels.round($0))) }
        let rb = b.map { Double(BF16Kernels.float(BF16Kernels.round($0))) }
        for i in 0..<m {
            for j in 0..<n {
                var exact = 0.0
                var magnitude = 0.0
                for kk in 0..<k {
                    let term = ra[transA ? kk * m + i : i * k + kk] * rb[transB ? j * k + kk : kk * n + j]
                    exact += term
                    magnitude += abs(term)
                }
                #expect(abs(Double(c[i * n + j]) - exact) <= Double(k) * 0x1p-23 * magnitude, "C[\(i), \(j)]")
            }
        }
    }

    /// Tiny values (sums in the denormal range, flushed to zero by VDPBF16PS and the reference
    /// alike), infinities and NaN: still the same bits (any NaN for NaN).
    @Test func extremeValuesMatchReference() {
        let (m, n, k) = (13, 37, 41)
        for trial in 0..<40 {
            var a = Self.values(
                m * k, seed: UInt64(100 + trial), scale: Float(sign: .plus, exponent: -(trial % 70), significand: 1))
            var b = Self.values(
                k * n, seed: UInt64(200 + trial), scale: Float(sign: .plus, exponent: -((trial * 7) % 70), significand: 1))
            if trial % 10 == 0 {
                a[3] = .infinity
                b[5] = .nan
            }
            let c0 = Self.values(
                m * n, seed: UInt64(300 + trial), scale: Float(sign: .plus, exponent: -(trial * 3 % 140), significand: 1))
            var (fast, reference) = (c0, c0)
            BF16GEMM.gemm(transA: false, transB: true, m: m, n: n, k: k, a, b, into: &fast, accumulate: trial % 2 == 1)
            BF16GEMM.gemm(
                transA: false, transB: true, m: m, n: n, k: k, a, b, into: &reference, accumulate: trial % 2 == 1,
                path: .reference)
            for i in 0..<(m * n) where !(fast[i].isNaN && reference[i].isNaN) {
                #expect(fast[i].bitPattern == reference[i].bitPattern, "trial \(trial), element \(i)")
            }
        }
    }

    /// A row-strided source (a slice of a wider matrix) packs as its dense copy does.
    @Test func stridedSourcesPackAsDenseOnes() {
        let (m, n, k, wide) = (7, 21, 9, 30)
        let a = Self.values(m * wide, seed: 41)
        let b = Self.values(n * wide, seed: 42)
        let denseA = (0..<m).flatMap { a[($0 * wide)..<($0 * wide + k)] }
        let denseB = (0..<n).flatMap { b[($0 * wide)..<($0 * wide + k)] }
        var strided = [Float](repeating: 0, count: m * n)
        var dense = strided
        BF16GEMM.multiply(
            BF16Rows(a, m: m, k: k, lda: wide), BF16Panels(b, k: k, n: n, ldb: wide, transposed: true), into: &strided)
        BF16GEMM.gemm(transA: false, transB: true, m: m, n: n, k: k, denseA, denseB, into: &dense)
        #expect(strided == dense)
    }

    @Test func summaryNamesTheKernels() {
        let line = BF16Kernels.summary
        #expect(line.hasPrefix("matrix products: Float32"))
        #expect(line.contains(BF16Kernels.isAvailable ? "VDPBF16PS" : "falls back to Float32"))
    }
}
