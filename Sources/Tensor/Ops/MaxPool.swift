extension Tensor {
    /// Max pooling over [N, C, H, W] (or [C, H, W]) → [N, C, OH, OW], PyTorch's `F.max_pool2d`
    /// without dilation or ceil mode. The stride defaults to the kernel; padding (at most half the
    /// kernel) never wins, as if it were −∞. The gradient goes to the first maximal element of
    /// each window in row-major order, as in PyTorch.
    public func maxPool2d(kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) -> Tensor {
        let (window, outShape) = Window2D.pool2d("maxPool2d", shape, kernel: kernelSize, stride: stride, padding: padding)
        return maxPool(window, outShape, name: "max_pool2d")
    }

    /// Max pooling over [N, C, L] (or [C, L]) → [N, C, OL], PyTorch's `F.max_pool1d`.
    public func maxPool1d(kernelSize: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
        let (window, outShape) = Window2D.pool1d("maxPool1d", shape, kernel: kernelSize, stride: stride, padding: padding)
        return maxPool(window, outShape, name: "max_pool1d")
    }

    private func maxPool(_ w: Window2D, _ outShape: [Int], name: String) -> Tensor {
        let plane = w.height * w.width
        let planes = plane == 0 ? 0 : count / plane
        let out = TensorStorage(uninitializedCount: planes * w.outputSize)
        // Flat input index of each output's maximum, for the backward scatter.
        var argmax = [Int](repeating: 0, count: planes * w.outputSize)
        let x = pointer
        let y = out.pointer
        argmax.withUnsafeMutableBufferPointer { argmax in
            w.forEachPlane(planes) { p in
                let source = x + p * plane
                for oy in 0..<w.outH {
                    let ys = Window2D.span(oy, stride: w.strideH, pad: w.padH, kernel: w.kernelH, size: w.height)
                    for ox in 0..<w.outW {
                        let xs = Window2D.span(ox, stride: w.strideW, pad: w.padW, kernel: w.kernelW, size: w.width)
                        var best = -Float.infinity
                        var at = ys.lowerBound * w.width + xs.lowerBound
                        for iy in ys {
                            for ix in xs {
                                let v = source[iy * w.width + ix]
                                // PyTorch's rule: strictly greater wins, so ties keep the first; NaN wins.
                                if v > best || v.isNaN {
                                    best = v
                                    at = iy * w.width + ix
                                }
                            }
                        }
                        let j = p * w.outputSize + oy * w.outW + ox
                        y[j] = best
                        argmax[j] = p * plane + at
                    }
                }
            }
        }
        let inShape = shape
        return .result(name, shape: outShape, storage: out, inputs: [self]) { g in
            let gx = Tensor.zeros(inShape)
            let gi = g.pointer
            let go = gx.pointer
            // Windows of one plane may overlap, so planes are the unit of parallel work.
            argmax.withUnsafeBufferPointer { argmax in
                w.forEachPlane(planes) { p in
                    for j in p * w.outputSize..<(p + 1) * w.outputSize { go[argmax[j]] += gi[j] }
                }
            }
            return [gx]
        }
    }
}
