extension Tensor {
    /// Average pooling over [N, C, H, W] (or [C, H, W]) → [N, C, OH, OW], PyTorch's `F.avg_pool2d`
    /// with its defaults: zero padding counts in the average (`count_include_pad=True`), so every
    /// window divides by kh·kw. The stride defaults to the kernel; padding is at most half the kernel.
    public func avgPool2d(kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) -> Tensor {
        let (window, outShape) = Window2D.pool2d("avgPool2d", shape, kernel: kernelSize, stride: stride, padding: padding)
        return avgPool(window, outShape, name: "avg_pool2d")
    }

    /// Average pooling over [N, C, L] (or [C, L]) → [N, C, OL], PyTorch's `F.avg_pool1d`
    /// (`count_include_pad=True`).
    public func avgPool1d(kernelSize: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
        let (window, outShape) = Window2D.pool1d("avgPool1d", shape, kernel: kernelSize, stride: stride, padding: padding)
        return avgPool(window, outShape, name: "avg_pool1d")
    }

    private func avgPool(_ w: Window2D, _ outShape: [Int], name: String) -> Tensor {
        let plane = w.height * w.width
        let planes = plane == 0 ? 0 : count / plane
        let scale = 1 / Float(w.kernelSize)
        let out = TensorStorage(uninitializedCount: planes * w.outputSize)
        let x = pointer
        let y = out.pointer
        w.forEachPlane(planes) { p in
            let source = x + p * plane
            for oy in 0..<w.outH {
                let ys = Window2D.span(oy, stride: w.strideH, pad: w.padH, kernel: w.kernelH, size: w.height)
                for ox in 0..<w.outW {
                    let xs = Window2D.span(ox, stride: w.strideW, pad: w.padW, kernel: w.kernelW, size: w.width)
                    var total: Float = 0
                    for iy in ys { for ix in xs { total += source[iy * w.width + ix] } }
                    y[p * w.outputSize + oy * w.outW + ox] = total * scale
                }
            }
        }
        let inShape = shape
        return .result(name, shape: outShape, storage: out, inputs: [self]) { g in
            let gx = Tensor.zeros(inShape)
            let gi = g.pointer
            let go = gx.pointer
            w.forEachPlane(planes) { p in
                let destination = go + p * plane
                for oy in 0..<w.outH {
                    let ys = Window2D.span(oy, stride: w.strideH, pad: w.padH, kernel: w.kernelH, size: w.height)
                    for ox in 0..<w.outW {
                        let xs = Window2D.span(ox, stride: w.strideW, pad: w.padW, kernel: w.kernelW, size: w.width)
                        let share = gi[p * w.outputSize + oy * w.outW + ox] * scale
                        for iy in ys { for ix in xs { destination[iy * w.width + ix] += share } }
                    }
                }
            }
            return [gx]
        }
    }
}
