extension Tensor {
    /// 2-D convolution as PyTorch's `F.conv2d` (cross-correlation, zero padding, no dilation or groups).
    ///
    /// Input [N, C, H, W], weight [O, C, kh, kw], bias [O] → [N, O, OH, OW] with
    /// OH = ⌊(H + 2·padding.0 − kh) / stride.0⌋ + 1 and OW likewise.
    ///
    /// im2col unrolls every window of the whole batch into one [C·kh·kw, N·OH·OW] matrix, so a single
    /// product with the weight [O, C·kh·kw] does the work: one large sgemm keeps BLAS efficient
    /// where a product per image would be small. Backward uses the same two layouts: the weight
    /// gradient is gradient·colsᵀ, the input gradient Wᵀ·gradient folded back by col2im.
    public static func conv2d(
        _ x: Tensor, weight: Tensor, bias: Tensor? = nil,
        stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)
    ) -> Tensor {
        precondition(
            x.rank == 4 && weight.rank == 4 && x.shape[1] == weight.shape[1],
            "conv2d: input \(x.shape) [N, C, H, W] does not match weight \(weight.shape) [O, C, kh, kw]")
        let window = Window2D(
            op: "conv2d", shape: x.shape, kernel: (weight.shape[2], weight.shape[3]),
            stride: stride, padding: padding)
        return convolve(
            x, weight: weight, bias: bias, window: window, name: "conv2d",
            outputShape: [x.shape[0], weight.shape[0], window.outH, window.outW])
    }

    /// 1-D convolution as PyTorch's `F.conv1d`: input [N, C, L], weight [O, C, k], bias [O] →
    /// [N, O, ⌊(L + 2·padding − k) / stride⌋ + 1]. Runs as a 2-D convolution of height 1.
    public static func conv1d(
        _ x: Tensor, weight: Tensor, bias: Tensor? = nil,
        stride: Int = 1, padding: Int = 0
    ) -> Tensor {
        precondition(
            x.rank == 3 && weight.rank == 3 && x.shape[1] == weight.shape[1],
            "conv1d: input \(x.shape) [N, C, L] does not match weight \(weight.shape) [O, C, k]")
        let window = Window2D(
            op: "conv1d", shape: x.shape, height: 1, width: x.shape[2],
            kernel: (1, weight.shape[2]), stride: (1, stride), padding: (0, padding))
        return convolve(
            x, weight: weight, bias: bias, window: window, name: "conv1d",
            outputShape: [x.shape[0], weight.shape[0], window.outW])
    }

    /// The shared body: x holds N·C planes of the window's H×W, weight O rows of C·kh·kw.
    private static func convolve(
        _ x: Tensor, weight: Tensor, bias: Tensor?, window: Window2D,
        name: String, outputShape: [Int]
    ) -> Tensor {
        let (n, c, o) = (x.shape[0], x.shape[1], weight.shape[0])
        if let bias {
            precondition(bias.shape == [o], "\(name): bias \(bias.shape) does not match weight \(weight.shape)")
        }
        let rows = c * window.kernelSize
        let spatial = window.outputSize
        let columns = n * spatial
        // Scratch storages are kept alive explicitly: only their raw pointers are used, and Swift
        // may otherwise free an object right after its last named use.
        let cols = TensorStorage(uninitializedCount: rows * columns)
        let product = TensorStorage(uninitializedCount: o * columns)
        let out = TensorStorage(uninitializedCount: n * o * spatial)
        withExtendedLifetime((cols, product)) {
            window.im2col(x.pointer, batch: n, channels: c, cols.pointer)
            BLAS.sgemm(
                transA: false, transB: false, m: o, n: columns, k: rows,
                weight.pointer, cols.pointer, product.pointer)
            // The product is [O, N, OH·OW]; PyTorch's layout is [N, O, OH·OW].
            for b in 0..<n {
                for f in 0..<o {
                    let source = product.pointer + (f * n + b) * spatial
                    let destination = out.pointer + (b * o + f) * spatial
                    if let bias {
                        Kernels.map(source, destination, spatial, Fn.AddScalar(s: bias.pointer[f]))
                    } else {
                        destination.update(from: source, count: spatial)
                    }
                }
            }
        }
        let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
        return .result(name, shape: outputShape, storage: out, inputs: inputs) { g in
            // Back to the product's [O, N·OH·OW] layout.
            let gp = TensorStorage(uninitializedCount: o * columns)
            defer { withExtendedLifetime(gp) {} }
            for b in 0..<n {
                for f in 0..<o {
                    (gp.pointer + (f * n + b) * spatial).update(from: g.pointer + (b * o + f) * spatial, count: spatial)
                }
            }
            var grads: [Tensor?] = []
            if x.requiresGrad {
                let gcols = TensorStorage(uninitializedCount: rows * columns)
                BLAS.sgemm(
                    transA: true, transB: false, m: rows, n: columns, k: o,
                    weight.pointer, gp.pointer, gcols.pointer)
                let gx = Tensor.zeros(x.shape)
                withExtendedLifetime(gcols) { window.col2im(gcols.pointer, batch: n, channels: c, gx.pointer) }
                grads.append(gx)
            } else {
                grads.append(nil)
            }
            if weight.requiresGrad {
                // Recomputed rather than kept from the forward, so the graph holds no copy k times the input.
                let cols = TensorStorage(uninitializedCount: rows * columns)
                window.im2col(x.pointer, batch: n, channels: c, cols.pointer)
                let gw = Tensor(uninitializedShape: weight.shape)
                withExtendedLifetime(cols) {
                    BLAS.sgemm(
                        transA: false, transB: true, m: o, n: rows, k: columns,
                        gp.pointer, cols.pointer, gw.pointer)
                }
                grads.append(gw)
            } else {
                grads.append(nil)
            }
            if let bias {
                if bias.requiresGrad {
                    let gb = Tensor(uninitializedShape: [o])
                    for f in 0..<o { gb.pointer[f] = Kernels.sum(gp.pointer + f * columns, columns) }
                    grads.append(gb)
                } else {
                    grads.append(nil)
                }
            }
            return grads
        }
    }
}
