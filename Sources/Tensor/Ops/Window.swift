/// A sliding window over the last two axes of a tensor, shared by convolution and pooling.
///
/// Sizes follow PyTorch without dilation or ceil mode: out = ⌊(in + 2·pad − kernel) / stride⌋ + 1
/// per axis. 1-D ops use a window of height 1, so one set of loops serves both.
struct Window2D {
    let height: Int, width: Int
    let kernelH: Int, kernelW: Int
    let strideH: Int, strideW: Int
    let padH: Int, padW: Int
    let outH: Int, outW: Int

    /// `shape` is the full input shape, named in error messages; its last two axes are H and W.
    init(op: String, shape: [Int], kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int)) {
        precondition(shape.count >= 2, "\(op): input \(shape) has no spatial axes")
        self.init(
            op: op, shape: shape, height: shape[shape.count - 2], width: shape[shape.count - 1],
            kernel: kernel, stride: stride, padding: padding)
    }

    init(
        op: String, shape: [Int], height: Int, width: Int,
        kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int)
    ) {
        precondition(kernel.0 > 0 && kernel.1 > 0, "\(op): kernel \(kernel) must be positive (input \(shape))")
        precondition(stride.0 > 0 && stride.1 > 0, "\(op): stride \(stride) must be positive (input \(shape))")
        precondition(padding.0 >= 0 && padding.1 >= 0, "\(op): padding \(padding) must be non-negative (input \(shape))")
        precondition(
            height + 2 * padding.0 >= kernel.0 && width + 2 * padding.1 >= kernel.1,
            "\(op): kernel \(kernel) is larger than the padded input \(shape) (padding \(padding))")
        self.height = height
        self.width = width
        (kernelH, kernelW) = kernel
        (strideH, strideW) = stride
        (padH, padW) = padding
        outH = (height + 2 * padH - kernelH) / strideH + 1
        outW = (width + 2 * padW - kernelW) / strideW + 1
    }

    var outputSize: Int { outH * outW }
    var kernelSize: Int { kernelH * kernelW }

    /// Pooling reads only real elements, so PyTorch caps padding at half the kernel: every window
    /// then holds at least one of them.
    func requireHalfKernelPadding(_ op: String, _ shape: [Int]) {
        precondition(
            padH <= kernelH / 2 && padW <= kernelW / 2,
            "\(op): padding (\(padH), \(padW)) exceeds half the kernel (\(kernelH), \(kernelW)) for input \(shape)")
    }

    /// Output positions o whose input position o·stride − pad + offset lies inside 0..<size.
    static func validOutputs(offset: Int, stride: Int, pad: Int, size: Int, outSize: Int) -> Range<Int> {
        let first = pad - offset  // smallest o·stride allowed
        let last = size - 1 + pad - offset  // largest o·stride allowed
        let lo = Swift.min(outSize, Swift.max(0, first <= 0 ? 0 : (first + stride - 1) / stride))
        let hi = last < 0 ? lo : Swift.min(outSize, last / stride + 1)
        return lo..<Swift.max(lo, hi)
    }

    /// Input rows (or columns) covered by output position `o`, clipped to the real input.
    @inline(__always)
    static func span(_ o: Int, stride: Int, pad: Int, kernel: Int, size: Int) -> Range<Int> {
        let start = o * stride - pad
        return Swift.max(0, start)..<Swift.min(size, start + kernel)
    }

    /// Unrolls windows of `x` [batch, channels, H, W] into `cols` [channels·kh·kw, batch·OH·OW]:
    /// row (c, i, j) holds input (c, oy·sh − ph + i, ox·sw − pw + j) for every output position,
    /// zero where that falls in the padding.
    func im2col(_ x: UnsafePointer<Float>, batch: Int, channels: Int, _ cols: UnsafeMutablePointer<Float>) {
        let columns = batch * outputSize
        let plane = height * width
        Kernels.parallelFor(channels * kernelSize, grain: Swift.max(1, 32_768 / Swift.max(columns, 1))) { rows in
            for r in rows {
                let c = r / kernelSize
                let i = (r / kernelW) % kernelH
                let j = r % kernelW
                let ys = Self.validOutputs(offset: i, stride: strideH, pad: padH, size: height, outSize: outH)
                let xs = Self.validOutputs(offset: j, stride: strideW, pad: padW, size: width, outSize: outW)
                for b in 0..<batch {
                    let source = x + (b * channels + c) * plane
                    let destination = cols + r * columns + b * outputSize
                    for oy in 0..<outH {
                        let row = destination + oy * outW
                        guard ys.contains(oy) else {
                            row.update(repeating: 0, count: outW)
                            continue
                        }
                        let line = source + (oy * strideH - padH + i) * width - padW + j
                        row.update(repeating: 0, count: xs.lowerBound)
                        if strideW == 1 {
                            (row + xs.lowerBound).update(from: line + xs.lowerBound, count: xs.count)
                        } else {
                            for ox in xs { row[ox] = line[ox * strideW] }
                        }
                        (row + xs.upperBound).update(repeating: 0, count: outW - xs.upperBound)
                    }
                }
            }
        }
    }

    /// The adjoint of `im2col`: adds every entry of `cols` back onto the input position it was
    /// read from. `x` must be initialised (normally to zero).
    func col2im(_ cols: UnsafePointer<Float>, batch: Int, channels: Int, _ x: UnsafeMutablePointer<Float>) {
        let columns = batch * outputSize
        let plane = height * width
        // Windows of one channel overlap, so the work is split by channel, never within one.
        Kernels.parallelFor(channels, grain: Swift.max(1, 32_768 / Swift.max(columns * kernelSize, 1))) { range in
            for c in range {
                for i in 0..<kernelH {
                    let ys = Self.validOutputs(offset: i, stride: strideH, pad: padH, size: height, outSize: outH)
                    for j in 0..<kernelW {
                        let xs = Self.validOutputs(offset: j, stride: strideW, pad: padW, size: width, outSize: outW)
                        guard !xs.isEmpty else { continue }
                        let r = (c * kernelH + i) * kernelW + j
                        for b in 0..<batch {
                            let destination = x + (b * channels + c) * plane
                            let source = cols + r * columns + b * outputSize
                            for oy in ys {
                                let row = source + oy * outW
                                let line = destination + (oy * strideH - padH + i) * width - padW + j
                                if strideW == 1 {
                                    Kernels.add(line + xs.lowerBound, row + xs.lowerBound, line + xs.lowerBound, xs.count)
                                } else {
                                    for ox in xs { line[ox * strideW] += row[ox] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension Window2D {
    /// A pooling window over [N, C, H, W] or [C, H, W]; the stride defaults to the kernel, as in PyTorch.
    static func pool2d(
        _ op: String, _ shape: [Int], kernel: (Int, Int), stride: (Int, Int)?,
        padding: (Int, Int)
    ) -> (window: Window2D, outputShape: [Int]) {
        precondition(shape.count == 3 || shape.count == 4, "\(op): input \(shape) is not [N, C, H, W] or [C, H, W]")
        let window = Window2D(op: op, shape: shape, kernel: kernel, stride: stride ?? kernel, padding: padding)
        window.requireHalfKernelPadding(op, shape)
        return (window, shape.dropLast(2) + [window.outH, window.outW])
    }

    /// A pooling window over [N, C, L] or [C, L], as a 2-D window of height 1.
    static func pool1d(
        _ op: String, _ shape: [Int], kernel: Int, stride: Int?,
        padding: Int
    ) -> (window: Window2D, outputShape: [Int]) {
        precondition(shape.count == 2 || shape.count == 3, "\(op): input \(shape) is not [N, C, L] or [C, L]")
        let window = Window2D(
            op: op, shape: shape, height: 1, width: shape[shape.count - 1],
            kernel: (1, kernel), stride: (1, stride ?? kernel), padding: (0, padding))
        window.requireHalfKernelPadding(op, shape)
        return (window, shape.dropLast() + [window.outW])
    }

    /// Splits `planes` independent H×W planes into parallel chunks of worthwhile size.
    func forEachPlane(_ planes: Int, _ body: (Int) -> Void) {
        Kernels.parallelFor(planes, grain: Swift.max(1, 16_384 / Swift.max(outputSize * kernelSize, 1))) { range in
            for p in range { body(p) }
        }
    }
}
