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
    init(_ source: UnsafePointer<Float>, k: Int, n: Int, transposed: Bool) {
        self.k = k
        self.n = n
        panels = (n + Self.panelWidth - 1) / Self.panelWidth
        storage = TensorStorage(uninitializedCount: max(1, panels * k * Self.panelWidth))
        let dst = storage.pointer
        for p in 0..<panels {
            let j0 = p * Self.panelWidth, width = Swift.min(Self.panelWidth, n - j0)
            let panel = dst + p * k * Self.panelWidth
            if transposed {
                for jj in 0..<Self.panelWidth {
                    if jj < width {
                        let row = source + (j0 + jj) * k
                        for kk in 0..<k { panel[kk * Self.panelWidth + jj] = row[kk] }
                    } else {
                        for kk in 0..<k { panel[kk * Self.panelWidth + jj] = 0 }
                    }
                }
            } else {
                for kk in 0..<k {
                    let row = source + kk * n + j0, out = panel + kk * Self.panelWidth
                    for jj in 0..<Self.panelWidth { out[jj] = jj < width ? row[jj] : 0 }
                }
            }
        }
    }

    /// C[m, n] = A[m, k] · B (+ C when `accumulate`); A rows `lda` apart, C rows `n` apart.
    func multiply(_ a: UnsafePointer<Float>, m: Int, lda: Int, into c: UnsafeMutablePointer<Float>,
                  accumulate: Bool) {
        let bp = UnsafePointer(storage.pointer)
        for p in 0..<panels {
            let j0 = p * Self.panelWidth, width = Swift.min(Self.panelWidth, n - j0)
            let panel = bp + p * k * Self.panelWidth
            var r = 0
            while r + 5 <= m {
                Self.kernel5(a + r * lda, lda: lda, panel, k: k, c + r * n + j0, ldc: n, width: width,
                             accumulate: accumulate)
                r += 5
            }
            while r < m {
                Self.kernel1(a + r * lda, panel, k: k, c + r * n + j0, width: width, accumulate: accumulate)
                r += 1
            }
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }

    @inline(__always)
    private static func finish(_ lo: V, _ hi: V, _ c: UnsafeMutablePointer<Float>, width: Int, accumulate: Bool) {
        if width == 16 {
            var (l, h) = (lo, hi)
            if accumulate { l += load(c); h += load(c + 8) }
            UnsafeMutableRawPointer(c).storeBytes(of: l, as: V.self)
            UnsafeMutableRawPointer(c + 8).storeBytes(of: h, as: V.self)
        } else {
            for j in 0..<width {
                let v = j < 8 ? lo[j] : hi[j - 8]
                c[j] = accumulate ? c[j] + v : v
            }
        }
    }

    private static func kernel5(_ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, k: Int,
                                _ c: UnsafeMutablePointer<Float>, ldc: Int, width: Int, accumulate: Bool) {
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
        var c30 = V(), c31 = V(), c40 = V(), c41 = V()
        let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda
        var bk = b
        for kk in 0..<k {
            let b0 = load(bk), b1 = load(bk + 8)
            bk += 16
            let x0 = V(repeating: a0[kk]), x1 = V(repeating: a1[kk]), x2 = V(repeating: a2[kk])
            c00 = c00.addingProduct(x0, b0); c01 = c01.addingProduct(x0, b1)
            c10 = c10.addingProduct(x1, b0); c11 = c11.addingProduct(x1, b1)
            c20 = c20.addingProduct(x2, b0); c21 = c21.addingProduct(x2, b1)
            let x3 = V(repeating: a3[kk]), x4 = V(repeating: a4[kk])
            c30 = c30.addingProduct(x3, b0); c31 = c31.addingProduct(x3, b1)
            c40 = c40.addingProduct(x4, b0); c41 = c41.addingProduct(x4, b1)
        }
        finish(c00, c01, c, width: width, accumulate: accumulate)
        finish(c10, c11, c + ldc, width: width, accumulate: accumulate)
        finish(c20, c21, c + 2 * ldc, width: width, accumulate: accumulate)
        finish(c30, c31, c + 3 * ldc, width: width, accumulate: accumulate)
        finish(c40, c41, c + 4 * ldc, width: width, accumulate: accumulate)
    }

    private static func kernel1(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, k: Int,
                                _ c: UnsafeMutablePointer<Float>, width: Int, accumulate: Bool) {
        var c0 = V(), c1 = V()
        var bk = b
        for kk in 0..<k {
            let x = V(repeating: a[kk])
            c0 = c0.addingProduct(x, load(bk)); c1 = c1.addingProduct(x, load(bk + 8))
            bk += 16
        }
        finish(c0, c1, c, width: width, accumulate: accumulate)
    }
}
