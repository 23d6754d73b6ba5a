extension Tensor {
    /// Matrix product op(a)·op(b) through sgemm; transposes are sgemm flags, never copies.
    ///
    /// 2-D: a [m, k] (or [k, m] with `transposeA`), b [k, n] (or [n, k] with `transposeB`) → [m, n].
    /// 3-D: the same per batch, a [B, ·, ·] and b [B, ·, ·] → [B, m, n].
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(
            (a.rank == 2 && b.rank == 2) || (a.rank == 3 && b.rank == 3 && a.shape[0] == b.shape[0]),
            "matmul: shapes \(a.shape) and \(b.shape) are not two matrices or two equal batches")
        let batch = a.rank == 3 ? a.shape[0] : 1
        let (ar, ac) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (br, bc) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let (m, k) = transposeA ? (ac, ar) : (ar, ac)
        let (kb, n) = transposeB ? (bc, br) : (br, bc)
        precondition(
            k == kb, "matmul: inner sizes differ for \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
        let outShape = a.rank == 3 ? [batch, m, n] : [m, n]
        let out = TensorStorage(uninitializedCount: batch * m * n)
        for i in 0..<batch {
            BLAS.sgemm(
                transA: transposeA, transB: transposeB, m: m, n: n, k: k,
                a.pointer + i * m * k, b.pointer + i * k * n, out.pointer + i * m * n)
        }
        return .result("matmul", shape: outShape, storage: out, inputs: [a, b]) { g in
            // C = op(A)·op(B): dop(A) = dC·op(B)ᵀ, dop(B) = op(A)ᵀ·dC, then undo the op.
            let ga: Tensor? =
                !a.requiresGrad
                ? nil
                : transposeA
                    ? matmul(b, g, transposeA: transposeB, transposeB: true)
                    : matmul(g, b, transposeA: false, transposeB: !transposeB)
            let gb: Tensor? =
                !b.requiresGrad
                ? nil
                : transposeB
                    ? matmul(g, a, transposeA: true, transposeB: transposeA)
                    : matmul(a, g, transposeA: !transposeA, transposeB: false)
            return [ga, gb]
        }
    }

    /// Affine map y = x·Wᵀ + b (PyTorch's `F.linear`): x [*, in], weight [out, in], bias [out] → [*, out].
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
        let (rows, outShape) = linearLayout(x, weight: weight, bias: bias, op: "linear")
        let out = TensorStorage(uninitializedCount: rows * weight.shape[0])
        linearProduct(x, weight: weight, bias: bias, rows: rows, into: out.pointer)
        let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
        return .result("linear", shape: outShape, storage: out, inputs: inputs) { g in
            let (gx, gw) = linearGradients(g.pointer, x: x, weight: weight, rows: rows)
            return [gx, gw] + biasGradient(g, bias: bias, rows: rows)
        }
    }

    /// A linear map's rows and output shape for input x [*, in], weight [out, in] and bias [out],
    /// checked (`op` names the caller in the message).
    static func linearLayout(_ x: Tensor, weight: Tensor, bias: Tensor?, op: String) -> (rows: Int, shape: [Int]) {
        precondition(
            weight.rank == 2 && x.rank >= 1 && x.shape[x.rank - 1] == weight.shape[1],
            "\(op): input \(x.shape) does not match weight \(weight.shape)")
        let (outF, inF) = (weight.shape[0], weight.shape[1])
        if let bias { precondition(bias.shape == [outF], "\(op): bias \(bias.shape) does not match weight \(weight.shape)") }
        var outShape = x.shape
        outShape[outShape.count - 1] = outF
        return (x.count / Swift.max(inF, 1), outShape)
    }

    /// The bias's gradient from the output's g (its sum over the rows), as the gradient list's
    /// last entry: none without a bias, nil when the bias needs none.
    static func biasGradient(_ g: Tensor, bias: Tensor?, rows: Int) -> [Tensor?] {
        guard let bias else { return [] }
        return [bias.requiresGrad ? g.reshaped([rows, bias.count]).sum(axis: 0) : nil]
    }

    /// out [rows, out] = x·Wᵀ + b, the forward product of `linear`.
    static func linearProduct(_ x: Tensor, weight: Tensor, bias: Tensor?, rows: Int, into out: UnsafeMutablePointer<Float>) {
        let (outF, inF) = (weight.shape[0], weight.shape[1])
        if productsInBF16 {
            BF16GEMM.gemm(
                transA: false, transB: true, m: rows, n: outF, k: inF, x.pointer, weight.pointer, into: out,
                bias: bias.map { UnsafePointer($0.pointer) })
        } else if PackedMatrix.suits(rows: rows, n: outF, k: inF) {
            // A decoder-sized product: packed once, bias added as each tile is stored.
            PackedMatrix(weight.pointer, k: inF, n: outF, transposed: true, parallel: true)
                .multiplyParallel(
                    x.pointer, m: rows, lda: inF, into: out, accumulate: false,
                    bias: bias.map { UnsafePointer($0.pointer) })
        } else {
            if let bias {
                for r in 0..<rows { (out + r * outF).update(from: bias.pointer, count: outF) }
            }
            BLAS.sgemm(
                transA: false, transB: true, m: rows, n: outF, k: inF,
                x.pointer, weight.pointer, beta: bias == nil ? 0 : 1, out)
        }
    }

    /// The gradients of `linear`'s input (g·W) and weight (gᵀ·x) from the output's gradient
    /// g [rows, out] already in bfloat16: `rows` as g (for the input's, nil when x needs none),
    /// `transposed` as gᵀ (for the weight's, nil when the weight needs none).
    static func linearGradients(rows: BF16Rows?, transposed: BF16Rows?, x: Tensor, weight: Tensor) -> (Tensor?, Tensor?) {
        let (outF, inF) = (weight.shape[0], weight.shape[1])
        let gx = rows.map { rows in
            let gx = Tensor(uninitializedShape: x.shape)
            BF16GEMM.multiply(rows, BF16Panels(weight.pointer, k: outF, n: inF), into: gx.pointer)
            return gx
        }
        let gw = transposed.map { transposed in
            let gw = Tensor(uninitializedShape: weight.shape)
            BF16GEMM.multiply(transposed, BF16Panels(x.pointer, k: transposed.k, n: inF), into: gw.pointer)
            return gw
        }
        return (gx, gw)
    }

    /// The gradients of `linear`'s input (g·W) and weight (gᵀ·x) from the output's gradient
    /// g [rows, out], each nil when its tensor does not require one.
    static func linearGradients(_ g: UnsafePointer<Float>, x: Tensor, weight: Tensor, rows: Int) -> (Tensor?, Tensor?) {
        let (outF, inF) = (weight.shape[0], weight.shape[1])
        if productsInBF16 {
            // Each product over both cores in turn (BF16GEMM splits its work over the pool).
            return linearGradients(
                rows: x.requiresGrad ? BF16Rows(g, m: rows, k: outF) : nil,
                transposed: weight.requiresGrad ? BF16Rows(g, m: outF, k: rows, transposed: true) : nil,
                x: x, weight: weight)
        }
        let gx = x.requiresGrad ? Tensor(uninitializedShape: x.shape) : nil
        let gw = weight.requiresGrad ? Tensor(uninitializedShape: weight.shape) : nil
        // Product 0 is g·W into gx, product 1 is gᵀ·x into gw (each skipped when not wanted);
        // `threadsSet` when OpenBLAS's thread count was already set for the caller.
        func gradient(_ product: Int, threadsSet: Bool) {
            let (transA, m, k, b, c) =
                product == 0
                ? (false, rows, outF, weight.pointer, gx?.pointer)
                : (true, outF, rows, x.pointer, gw?.pointer)
            guard let c else { return }
            if threadsSet {
                BLAS.sgemmAsConfigured(transA: transA, transB: false, m: m, n: inF, k: k, g, b, c)
            } else {
                BLAS.sgemm(transA: transA, transB: false, m: m, n: inF, k: k, g, b, c)
            }
        }
        if gx != nil && gw != nil && rows * outF * inF >= BLAS.parallelThreshold && Parallel.threadCount > 1 {
            // The two gradient products are the same size: one per core, side by side, rather
            // than each split over the cores in turn.
            BLAS.setThreads(1)
            Parallel.forEach(chunks: 2) { gradient($0, threadsSet: true) }
        } else {
            gradient(0, threadsSet: false)
            gradient(1, threadsSet: false)
        }
        return (gx, gw)
    }
}
