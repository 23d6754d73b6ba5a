/// A right-hand matrix packed once for many small products C[m, n] (+)= A[m, k] · B[k, n].
///
/// The recurrent layers multiply a few rows (the batch) by the same weight at every step; a
/// general sgemm re-packs that weight on every call (OpenBLAS's copy routines took ~12% of an
/// LSTM's time). Packing once into column panels of 16 lets every step run straight from the
/// packed copy with a register-blocked 5×16 SIMD kernel, single-threaded and deterministic.
struct PackedMatrix {
    typealias V = SIMD8<Float>
    static let panelWidth = 16

    let k: Int
    let n: Int
    let panels: Int
    /// panels × k × 16 floats; panel p holds columns 16p..<16p+16 (zero-padded), row by row.
    let storage: TensorStorage

    /// Packs B[k, n]: `transposed` means the source is stored as [n, k] (a weight W with B = Wᵀ).
    /// `ld` is the source's row stride when it is a slice of a wider matrix (default: k when
    /// transposed, n otherwise). `parallel` splits the copying over the pool (for large matrices
    /// packed once per product).
    init(_ source: UnsafePointer<Float>, k: Int, n: Int, transposed: Bool, ld: Int? = nil, parallel: Bool = false) {
        if transposed {
            let ld = ld ?? k
            self.init(k: k, n: n, parallel: parallel, column: { source + $0 * ld })
        } else {
            self.init(k: k, n: n, parallel: parallel, row: source, ld: ld ?? n)
        }
    }

    /// Packs B[k, n] whose column j is the k floats at `column(j)`: rows of a weight W, gathered
    /// in any order (B = Wᵀ restricted to those rows).
    init(k: Int, n: Int, parallel: Bool = false, column: (Int) -> UnsafePointer<Float>) {
        self.init(k: k, n: n, parallel: parallel) { panel, j0, width in
            var kk = 0
            if width == Self.panelWidth {
                // 8 × 8 blocks transposed in registers: one 32-byte store per 8 floats instead of
                // one scattered 4-byte store per float (2× faster on the LSTM's 2600 × 650 weights).
                for half in 0..<2 {
                    let c = (0..<8).map { column(j0 + half * 8 + $0) }
                    var k0 = 0
                    while k0 + 8 <= k {
                        let r0 = Self.load(c[0] + k0)
                        let r1 = Self.load(c[1] + k0)
                        let r2 = Self.load(c[2] + k0)
                        let r3 = Self.load(c[3] + k0)
                        let r4 = Self.load(c[4] + k0)
                        let r5 = Self.load(c[5] + k0)
                        let r6 = Self.load(c[6] + k0)
                        let r7 = Self.load(c[7] + k0)
                        for i in 0..<8 {
                            UnsafeMutableRawPointer(panel + (k0 + i) * Self.panelWidth + half * 8)
                                .storeBytes(of: V(r0[i], r1[i], r2[i], r3[i], r4[i], r5[i], r6[i], r7[i]), as: V.self)
                        }
                        k0 += 8
                    }
                }
                kk = k - k % 8
            }
            for jj in 0..<Self.panelWidth {
                if jj < width {
                    let src = column(j0 + jj)
                    for r in kk..<k { panel[r * Self.panelWidth + jj] = src[r] }
                } else {
                    for r in kk..<k { panel[r * Self.panelWidth + jj] = 0 }
                }
            }
        }
    }

    private init(k: Int, n: Int, parallel: Bool, row source: UnsafePointer<Float>, ld: Int) {
        self.init(k: k, n: n, parallel: parallel) { panel, j0, width in
            for kk in 0..<k {
                let row = source + kk * ld + j0
                let out = panel + kk * Self.panelWidth
                for jj in 0..<Self.panelWidth { out[jj] = jj < width ? row[jj] : 0 }
            }
        }
    }

    private init(
        k: Int, n: Int, parallel: Bool,
        pack: (_ panel: UnsafeMutablePointer<Float>, _ firstColumn: Int, _ width: Int) -> Void
    ) {
        self.k = k
        self.n = n
        let panels = (n + Self.panelWidth - 1) / Self.panelWidth
        self.panels = panels
        storage = TensorStorage(uninitializedCount: max(1, panels * k * Self.panelWidth))
        let dst = storage.pointer
        func packPanel(_ p: Int) {
            let j0 = p * Self.panelWidth
            pack(dst + p * k * Self.panelWidth, j0, Swift.min(Self.panelWidth, n - j0))
        }
        if parallel && panels > 1 {
            let chunks = Swift.min(panels, 4 * Parallel.threadCount)
            Parallel.forEach(chunks: chunks) { c in
                for p in Parallel.range(of: c, chunks: chunks, count: panels) { packPanel(p) }
            }
        } else {
            for p in 0..<panels { packPanel(p) }
        }
    }

    /// C[m, n] = A[m, k] · B (+ C when `accumulate`, + `bias`[n] on every row when given); A rows
    /// `lda` apart, C rows `ldc` apart (default n). Single-threaded, in the caller's thread; many
    /// rows go in L2-sized blocks, as in `multiplyParallel`.
    func multiply(
        _ a: UnsafePointer<Float>, m: Int, lda: Int, into c: UnsafeMutablePointer<Float>, ldc: Int? = nil,
        accumulate: Bool, bias: UnsafePointer<Float>? = nil
    ) {
        let blockRows = Self.blockRows(k: k)
        var r0 = 0
        while r0 < m {
            let rows = r0..<Swift.min(m, r0 + blockRows)
            multiply(a, rows: rows, lda: lda, panels: 0..<panels, into: c, ldc: ldc, accumulate: accumulate, bias: bias)
            r0 = rows.upperBound
        }
    }

    /// Whether `multiplyParallel` beats sgemm for C[rows, n] = A[rows, k]·B: many rows against a
    /// wide B with a short k (the LM decoders; measured side by side in `perplex bench kernels`).
    static func suits(rows: Int, n: Int, k: Int) -> Bool { rows >= 64 && n >= 128 && k <= 1024 }

    /// The same product for many rows (a decoder over every position of a batch), on every core:
    /// the panels are split across the pool, and each thread takes the rows in blocks small enough
    /// to stay in its L2 cache while all its panels pass over them (one panel stays in L1 for a
    /// whole block), so A is read from memory once per thread rather than once per panel.
    func multiplyParallel(
        _ a: UnsafePointer<Float>, m: Int, lda: Int, into c: UnsafeMutablePointer<Float>,
        accumulate: Bool, bias: UnsafePointer<Float>? = nil
    ) {
        let blockRows = Self.blockRows(k: k)
        let chunks = Swift.min(panels, 2 * Parallel.threadCount)
        Parallel.forEach(chunks: chunks) { chunk in
            let mine = Parallel.range(of: chunk, chunks: chunks, count: panels)
            var r0 = 0
            while r0 < m {
                let rows = r0..<Swift.min(m, r0 + blockRows)
                multiply(a, rows: rows, lda: lda, panels: mine, into: c, accumulate: accumulate, bias: bias)
                r0 = rows.upperBound
            }
        }
    }

    /// Rows of A per block when many rows pass over the panels: ~96 KB of A, well inside a 512 KB
    /// L2 beside the streamed panels (larger and smaller blocks measured no faster on the decoder's
    /// 700×7596×200).
    static func blockRows(k: Int) -> Int { Swift.max(5, (24_576 / Swift.max(k, 1)) / 5 * 5) }

    /// The columns of `panels` for A's `rows`: C[r, j − firstColumn] at c + r·ldc (C holds the
    /// whole product by default; a narrower C holds only the columns from `firstColumn` on).
    func multiply(
        _ a: UnsafePointer<Float>, rows: Range<Int>, lda: Int, panels range: Range<Int>,
        into c: UnsafeMutablePointer<Float>, ldc: Int? = nil, firstColumn: Int = 0, accumulate: Bool,
        bias: UnsafePointer<Float>?
    ) {
        let bp = UnsafePointer(storage.pointer)
        let ldc = ldc ?? n
        for p in range {
            let j0 = p * Self.panelWidth
            let width = Swift.min(Self.panelWidth, n - j0)
            let panel = bp + p * k * Self.panelWidth
            let b = bias.map { $0 + j0 }
            let cj = c + j0 - firstColumn
            var r = rows.lowerBound
            while r + 5 <= rows.upperBound {
                Self.kernel5(
                    a + r * lda, lda: lda, panel, k: k, cj + r * ldc, ldc: ldc, width: width,
                    accumulate: accumulate, bias: b)
                r += 5
            }
            while r < rows.upperBound {
                Self.kernel1(a + r * lda, panel, k: k, cj + r * ldc, width: width, accumulate: accumulate, bias: b)
                r += 1
            }
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }

    @inline(__always)
    private static func finish(
        _ lo: V, _ hi: V, _ c: UnsafeMutablePointer<Float>, width: Int, accumulate: Bool,
        bias: UnsafePointer<Float>?
    ) {
        if width == 16 {
            var (l, h) = (lo, hi)
            if accumulate {
                l += load(c)
                h += load(c + 8)
            }
            if let bias {
                l += load(bias)
                h += load(bias + 8)
            }
            UnsafeMutableRawPointer(c).storeBytes(of: l, as: V.self)
            UnsafeMutableRawPointer(c + 8).storeBytes(of: h, as: V.self)
        } else {
            for j in 0..<width {
                var v = j < 8 ? lo[j] : hi[j - 8]
                if accumulate { v = c[j] + v }
                if let bias { v += bias[j] }
                c[j] = v
            }
        }
    }

    private static func kernel5(
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, k: Int,
        _ c: UnsafeMutablePointer<Float>, ldc: Int, width: Int, accumulate: Bool,
        bias: UnsafePointer<Float>?
    ) {
        var c00 = V()
        var c01 = V()
        var c10 = V()
        var c11 = V()
        var c20 = V()
        var c21 = V()
        var c30 = V()
        var c31 = V()
        var c40 = V()
        var c41 = V()
        let a0 = a
        let a1 = a + lda
        let a2 = a + 2 * lda
        let a3 = a + 3 * lda
        let a4 = a + 4 * lda
        var bk = b
        for kk in 0..<k {
            let b0 = load(bk)
            let b1 = load(bk + 8)
            bk += 16
            let x0 = V(repeating: a0[kk])
            let x1 = V(repeating: a1[kk])
            let x2 = V(repeating: a2[kk])
            c00 = c00.addingProduct(x0, b0)
            c01 = c01.addingProduct(x0, b1)
            c10 = c10.addingProduct(x1, b0)
            c11 = c11.addingProduct(x1, b1)
            c20 = c20.addingProduct(x2, b0)
            c21 = c21.addingProduct(x2, b1)
            let x3 = V(repeating: a3[kk])
            let x4 = V(repeating: a4[kk])
            c30 = c30.addingProduct(x3, b0)
            c31 = c31.addingProduct(x3, b1)
            c40 = c40.addingProduct(x4, b0)
            c41 = c41.addingProduct(x4, b1)
        }
        finish(c00, c01, c, width: width, accumulate: accumulate, bias: bias)
        finish(c10, c11, c + ldc, width: width, accumulate: accumulate, bias: bias)
        finish(c20, c21, c + 2 * ldc, width: width, accumulate: accumulate, bias: bias)
        finish(c30, c31, c + 3 * ldc, width: width, accumulate: accumulate, bias: bias)
        finish(c40, c41, c + 4 * ldc, width: width, accumulate: accumulate, bias: bias)
    }

    private static func kernel1(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, k: Int,
        _ c: UnsafeMutablePointer<Float>, width: Int, accumulate: Bool,
        bias: UnsafePointer<Float>?
    ) {
        var c0 = V()
        var c1 = V()
        var bk = b
        for kk in 0..<k {
            let x = V(repeating: a[kk])
            c0 = c0.addingProduct(x, load(bk))
            c1 = c1.addingProduct(x, load(bk + 8))
            bk += 16
        }
        finish(c0, c1, c, width: width, accumulate: accumulate, bias: bias)
    }
}
