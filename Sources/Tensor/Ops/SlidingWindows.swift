extension Tensor {
    /// Every run of `width` consecutive time steps, concatenated: x [T, batch, features] →
    /// [T − width + 1, batch, width·features], where row (t, b) holds x[t, b], x[t+1, b], …,
    /// x[t+width−1, b] in that order (oldest first). The input of a causal 1-D convolution in
    /// time-major layout (a product with the kernel then convolves), and of an n-gram model (the
    /// embeddings of the n − 1 previous words). Backward adds each window's slices back onto the
    /// steps they were read from.
    public func slidingWindows(width: Int) -> Tensor {
        precondition(rank == 3, "slidingWindows: input \(shape) is not [T, batch, features]")
        let (steps, batch, features) = (shape[0], shape[1], shape[2])
        precondition(width >= 1 && width <= steps, "slidingWindows: width \(width) does not fit \(steps) steps")
        let windows = steps - width + 1
        let rowWidth = width * features
        let out = TensorStorage(uninitializedCount: windows * batch * rowWidth)
        let x = pointer
        for t in 0..<windows {
            for b in 0..<batch {
                let destination = out.pointer + (t * batch + b) * rowWidth
                for j in 0..<width {
                    (destination + j * features).update(from: x + ((t + j) * batch + b) * features, count: features)
                }
            }
        }
        let inShape = shape
        return .result("sliding_windows", shape: [windows, batch, rowWidth], storage: out, inputs: [self]) { g in
            let gx = Tensor.zeros(inShape)
            for t in 0..<windows {
                for b in 0..<batch {
                    let source = g.pointer + (t * batch + b) * rowWidth
                    for j in 0..<width {
                        let destination = gx.pointer + ((t + j) * batch + b) * features
                        Kernels.add(destination, source + j * features, destination, features)
                    }
                }
            }
            return [gx]
        }
    }
}
