/// Helpers shared by the fused recurrent sequence ops: SIMD loops over the hidden axis of one
/// step's [batch, width] rows, with a zero-padded tail when the width is not a multiple of 8.
enum RowLoop {
    typealias V = SIMD8<Float>

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ n: Int) -> V { n == 8 ? Kernels.load(p) : Kernels.loadTail(p, n) }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
        if n == 8 { Kernels.store(v, p) } else { Kernels.storeTail(v, p, n) }
    }

    /// Team member `member`'s hidden units of `count`, of `size` members: whole vectors of 8
    /// where every member gets one, so only the last share ends in a partial vector (100 units a
    /// core each, a partial vector per row, made a small LSTM's gate math a third slower).
    static func units(of member: Int, in size: Int, count: Int) -> Range<Int> {
        let vectors = (count + 7) / 8
        guard vectors >= size else { return Parallel.range(of: member, chunks: size, count: count) }
        let share = Parallel.range(of: member, chunks: size, count: vectors)
        return Swift.min(count, 8 * share.lowerBound)..<Swift.min(count, 8 * share.upperBound)
    }

    /// Calls `body(row, column, lanes)` for every block of up to 8 columns of `rows` × `width`.
    @inline(__always)
    static func forEach(rows: Int, width: Int, _ body: (Int, Int, Int) -> Void) {
        for r in 0..<rows {
            var j = 0
            while j < width {
                body(r, j, Swift.min(8, width - j))
                j += 8
            }
        }
    }

    /// Backward through one LSTM step's gate math for `batch` rows of `hidden` units: from the
    /// gradients dh (plus the output gradient `upstream`, if any) and dc, writes the pre-activation
    /// gate gradients (i, f, g, o) into `dGates` and dc for the previous step into `dc`.
    /// `acts` holds the step's activations σ(i), σ(f), tanh(g), σ(o); `tanhCell` is tanh(c_t).
    @inline(__always)
    static func lstmStepBackward(
        acts a: UnsafePointer<Float>, tanhCell tc: UnsafePointer<Float>,
        previousCell cPrev: UnsafePointer<Float>, upstream gy: UnsafePointer<Float>?,
        dh: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>,
        dGates dg: UnsafeMutablePointer<Float>, batch: Int, hidden hs: Int
    ) {
        lstmStepBackward(
            acts: a, units: 0..<hs, tanhCell: tc, previousCell: cPrev, upstream: gy,
            dh: dh, dc: dc, dGates: dg, batch: batch, hidden: hs)
    }

    /// The same for the hidden units `units` only (one core's share): every array has its full
    /// layout, of which only the units' columns are read and written.
    @inline(__always)
    static func lstmStepBackward(
        acts a: UnsafePointer<Float>, units: Range<Int>,
        tanhCell tc: UnsafePointer<Float>, previousCell cPrev: UnsafePointer<Float>,
        upstream gy: UnsafePointer<Float>?, dh: UnsafePointer<Float>,
        dc: UnsafeMutablePointer<Float>, dGates dg: UnsafeMutablePointer<Float>,
        batch: Int, hidden hs: Int
    ) {
        let g4 = 4 * hs
        let zero = V()
        let u0 = units.lowerBound
        forEach(rows: batch, width: units.count) { r, j, n in
            let ga = a + r * g4 + u0 + j
            let gd = dg + r * g4 + u0 + j
            let s = r * hs + u0 + j
            let i = load(ga, n)
            let f = load(ga + hs, n)
            let g = load(ga + 2 * hs, n)
            let o = load(ga + 3 * hs, n)
            let tcv = load(tc + s, n)
            let dhv = load(dh + s, n) + (gy.map { load($0 + s, n) } ?? zero)
            let dcv = load(dc + s, n) + dhv * o * (1 - tcv * tcv)
            store(dcv * g * i * (1 - i), gd, n)
            store(dcv * load(cPrev + s, n) * f * (1 - f), gd + hs, n)
            store(dcv * i * (1 - g * g), gd + 2 * hs, n)
            store(dhv * tcv * o * (1 - o), gd + 3 * hs, n)
            store(dcv * f, dc + s, n)
        }
    }

    /// Gradient of Σ_t op(dRowsᵀ)·prev over a sequence where the previous state of step 0 is
    /// `first` and that of step t > 0 is row block t - 1 of `states`: dW [gates, hidden]. In
    /// bfloat16 one product over every step (k = steps·batch), the previous states packed from
    /// their two places; in Float32 two sgemms.
    static func recurrentWeightGradient(
        _ d: UnsafePointer<Float>, gates: Int, first: UnsafePointer<Float>,
        states: UnsafePointer<Float>, steps: Int, batch: Int, hidden: Int, bf16: Bool
    ) -> Tensor {
        let gw = Tensor(uninitializedShape: [gates, hidden])
        if bf16 {
            let rows = steps * batch
            let previous = BF16Panels(
                k: rows, n: hidden, row: { i in i < batch ? first + i * hidden : states + (i - batch) * hidden })
            BF16GEMM.multiply(BF16Rows(d, m: gates, k: rows, lda: gates, transposed: true), previous, into: gw.pointer)
            return gw
        }
        BLAS.sgemm(transA: true, transB: false, m: gates, n: hidden, k: batch, d, first, gw.pointer)
        if steps > 1 {
            BLAS.sgemm(
                transA: true, transB: false, m: gates, n: hidden, k: (steps - 1) * batch,
                d + batch * gates, states, beta: 1, gw.pointer)
        }
        return gw
    }
}

/// A weight packed once for the many products of a fused recurrent op, in the precision those
/// products run in: Float32 panels (`PackedMatrix`), or bfloat16 panels (`BF16Panels`) whose
/// products read the left operand's bfloat16 copy and add in Float32.
enum RecurrentWeight {
    case float32(PackedMatrix)
    case bfloat16(BF16Panels)

    /// B [k, n] whose column j is the k floats at `column(j)` (rows of a weight W gathered in any
    /// order, B = Wᵀ restricted to them).
    init(k: Int, n: Int, bf16: Bool, column: (Int) -> UnsafePointer<Float>) {
        self = bf16 ? .bfloat16(BF16Panels(k: k, n: n, column: column)) : .float32(PackedMatrix(k: k, n: n, column: column))
    }

    /// B [k, n] stored row by row (`transposed`: stored [n, k], a weight W with B = Wᵀ), rows
    /// `ld` apart (default: dense).
    init(_ source: UnsafePointer<Float>, k: Int, n: Int, transposed: Bool, ld: Int? = nil, bf16: Bool) {
        self =
            bf16
            ? .bfloat16(BF16Panels(source, k: k, n: n, ldb: ld, transposed: transposed))
            : .float32(PackedMatrix(source, k: k, n: n, transposed: transposed, ld: ld))
    }

    /// C [m, n] (+)= A · B (+ `bias` [n] on every row), C's rows `ldc` floats apart (default n),
    /// single-threaded. A is `a` (Float32 rows `lda` apart) in Float32, its bfloat16 copy
    /// `rounded` (rows of k rounded up to even) in bfloat16, where each sum starts from C (and
    /// the bias) and adds the products.
    func multiply(
        _ a: UnsafePointer<Float>, lda: Int, rounded: UnsafePointer<UInt16>?, m: Int,
        into c: UnsafeMutablePointer<Float>, ldc: Int? = nil, accumulate: Bool, bias: UnsafePointer<Float>? = nil
    ) {
        switch self {
        case .float32(let packed):
            packed.multiply(a, m: m, lda: lda, into: c, ldc: ldc, accumulate: accumulate, bias: bias)
        case .bfloat16(let panels):
            guard let rounded else { preconditionFailure("RecurrentWeight: a bfloat16 product without its rounded operand") }
            let ldc = ldc ?? panels.n
            if accumulate, let bias {
                for r in 0..<m { Kernels.add(c + r * ldc, bias, c + r * ldc, panels.n) }
            }
            panels.multiply(rows: rounded, m: m, into: c, ldc: ldc, accumulate: accumulate, bias: accumulate ? nil : bias)
        }
    }
}
