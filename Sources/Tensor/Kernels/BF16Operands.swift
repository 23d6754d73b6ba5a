import CBF16

/// Left operands of bfloat16 products written piece by piece: `rows` rows of k rounded up to even
/// (the padding zero), the layout `BF16Rows` holds, in a buffer the fused recurrent ops fill one
/// step and one core's columns at a time (h_t as it is produced, each step's gate gradients) and
/// read as the left operand of many products, whole or a block of rows at a time.
final class BF16RowBuffer {
    let rows: Int
    let k: Int
    /// bfloat16 values from one row to the next: k rounded up to even.
    let stride: Int
    let pointer: UnsafeMutablePointer<UInt16>
    private let storage: BF16Storage

    init(rows: Int, k: Int) {
        precondition(rows >= 0 && k >= 0, "BF16RowBuffer: negative size \(rows) × \(k)")
        self.rows = rows
        self.k = k
        stride = Int(perplex_bf16_padded_k(k))
        storage = BF16Storage(count: rows * stride)
        pointer = storage.pointer
        if stride != k {
            for r in 0..<rows { pointer[r * stride + k] = 0 }
        }
    }

    /// Row r's first value.
    func row(_ r: Int) -> UnsafeMutablePointer<UInt16> { pointer + r * stride }

    /// Rounds `columns` of `rows` from a Float32 source whose row r is at `source + r·ld` (column
    /// c at offset c) into the same places here. Each value is rounded alone, so any split of
    /// the rows and columns between threads writes the same bits.
    func convert(_ source: UnsafePointer<Float>, ld: Int, rows: Range<Int>, columns: Range<Int>) {
        for r in rows {
            perplex_bf16_convert(source + r * ld + columns.lowerBound, row(r) + columns.lowerBound, columns.count)
        }
    }

    /// Rows `rows` of Sᵀ from S stored [k, self.rows] with rows `ld` apart (a gradient dY read as
    /// dYᵀ for a weight gradient): the same bits as `BF16Rows(…, transposed: true)`.
    func packTransposed(_ source: UnsafePointer<Float>, ld: Int, rows: Range<Int>) {
        guard !rows.isEmpty else { return }
        perplex_bf16_pack_a(source + rows.lowerBound, ld, 1, rows.count, k, row(rows.lowerBound))
    }
}

extension BF16Panels {
    /// Packs B [k, n] whose column j is the k floats at `column(j)`: rows of a weight W gathered
    /// in any order (B = Wᵀ restricted to those rows, as one core's gate rows of an LSTM weight).
    /// The same bits as `init(_:k:n:ldb:transposed: true)` of the gathered rows.
    init(k: Int, n: Int, column: (Int) -> UnsafePointer<Float>) {
        self.init(zerosK: k, n: n)
        let pairs = Int(perplex_bf16_padded_k(k)) / 2
        let out = storage.pointer
        let converted = UnsafeMutablePointer<UInt16>.allocate(capacity: 2 * pairs + 2)
        defer { converted.deallocate() }
        converted.initialize(repeating: 0, count: 2 * pairs + 2)
        let words = UnsafeMutableRawPointer(converted)
        for j in 0..<n {
            perplex_bf16_convert(column(j), converted, k)
            // Column j's pair q is one 32-bit word of panel j / 16, at word q·16 + j % 16.
            let panel = UnsafeMutableRawPointer(out + (j / 16) * pairs * 32 + 2 * (j % 16))
            for q in 0..<pairs {
                panel.storeBytes(
                    of: words.load(fromByteOffset: 4 * q, as: UInt32.self), toByteOffset: 64 * q, as: UInt32.self)
            }
        }
    }

    /// Packs B [k, n] whose row i is the n floats at `row(i)`: a matrix whose rows lie in more
    /// than one place (an initial state followed by the states of every step but the last).
    /// The same bits as `init(_:k:n:ldb:)` of the rows laid out one after another.
    init(k: Int, n: Int, row: (Int) -> UnsafePointer<Float>) {
        self.init(zerosK: k, n: n)
        let pairs = Int(perplex_bf16_padded_k(k)) / 2
        let out = storage.pointer
        let even = UnsafeMutablePointer<UInt16>.allocate(capacity: Swift.max(n, 1))
        let odd = UnsafeMutablePointer<UInt16>.allocate(capacity: Swift.max(n, 1))
        defer {
            even.deallocate()
            odd.deallocate()
        }
        for q in 0..<pairs {
            perplex_bf16_convert(row(2 * q), even, n)
            if 2 * q + 1 < k {
                perplex_bf16_convert(row(2 * q + 1), odd, n)
            } else {
                odd.update(repeating: 0, count: n)
            }
            for j in 0..<n {
                let at = ((j / 16) * pairs + q) * 32 + 2 * (j % 16)
                out[at] = even[j]
                out[at + 1] = odd[j]
            }
        }
    }

    /// C [m, n] (+)= A · B for A's m rows at `a` (rows of k rounded up to even, as a
    /// `BF16RowBuffer` holds them), C's rows `ldc` floats apart, sums starting from C with
    /// `accumulate`, else from `bias` [n] or zero; single-threaded, in the caller's thread (the
    /// fused recurrent ops split their work between the cores themselves).
    func multiply(
        rows a: UnsafePointer<UInt16>, m: Int, into c: UnsafeMutablePointer<Float>, ldc: Int? = nil,
        accumulate: Bool, bias: UnsafePointer<Float>? = nil, path: BF16GEMM.Path = .dispatched
    ) {
        let ldc = ldc ?? n
        precondition(ldc >= n, "BF16Panels: ldc \(ldc) is narrower than n \(n)")
        guard m > 0, panels > 0 else { return }
        switch path {
        case .dispatched:
            perplex_bf16_gemm(a, m, k, storage.pointer, n, 0, panels, c, ldc, accumulate ? 1 : 0, bias)
        case .reference:
            perplex_bf16_gemm_reference(a, m, k, storage.pointer, n, 0, panels, c, ldc, accumulate ? 1 : 0, bias)
        }
    }
}
