extension Tensor {
    /// Layer normalisation over the last `size` values of each row, fused: x [*, size] viewed as
    /// rows → same shape, y = (x − mean_r) / √(var_r + eps) · weight + bias with the mean and biased
    /// variance of each row; `weight` and `bias` hold `size` values (any shape of that count).
    ///
    /// Composed from generic ops this took eight passes and temporaries, each with its own backward;
    /// here the forward makes two passes per row and the backward two, with
    /// dx = σ⁻¹ · (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) for ĝ = g·weight. Rows are split over the cores;
    /// the weight and bias gradients are summed per fixed block of rows and then across blocks
    /// in order, so they do not depend on the number of threads.
    public static func layerNorm(_ x: Tensor, size: Int, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor {
        precondition(size > 0 && x.count % size == 0, "layerNorm: input \(x.shape) is not rows of \(size) values")
        if let weight { precondition(weight.count == size, "layerNorm: weight \(weight.shape) does not hold \(size) values") }
        if let bias { precondition(bias.count == size, "layerNorm: bias \(bias.shape) does not hold \(size) values") }
        let rows = x.count / size
        let stats = TensorStorage(uninitializedCount: 2 * rows)  // mean, 1/σ per row
        let out = TensorStorage(uninitializedCount: x.count)
        let (xp, yp, sp) = (x.pointer, out.pointer, stats.pointer)
        let wp = weight?.pointer
        let bp = bias?.pointer
        Kernels.parallelFor(rows, grain: Swift.max(1, 8_192 / size)) { range in
            for r in range {
                let row = xp + r * size
                let y = yp + r * size
                let mu = Kernels.sum(row, size) / Float(size)
                let inv = 1 / (squaredDeviations(row, size, from: mu) / Float(size) + eps).squareRoot()
                (sp[2 * r], sp[2 * r + 1]) = (mu, inv)
                for i in 0..<size { y[i] = (row[i] - mu) * inv }
                if let wp { for i in 0..<size { y[i] *= wp[i] } }
                if let bp { for i in 0..<size { y[i] += bp[i] } }
            }
        }
        let inputs = [x] + [weight, bias].compactMap { $0 }
        return Tensor.result("layer_norm", shape: x.shape, storage: out, inputs: inputs) { g in
            let (gp, xp, sp, wp) = (g.pointer, x.pointer, stats.pointer, weight?.pointer)
            let gx = x.requiresGrad ? Tensor(uninitializedShape: x.shape) : nil
            let wantsAffine = weight != nil || bias != nil
            let blockRows = 64
            let blocks = (rows + blockRows - 1) / blockRows
            // Per block of rows: Σ g·x̂ (weight) then Σ g (bias).
            let partial = TensorStorage(uninitializedCount: wantsAffine ? blocks * 2 * size : 0)
            let pp = partial.pointer
            Parallel.forEach(chunks: blocks) { block in
                let sumGXhat = pp + block * 2 * size
                let sumG = sumGXhat + size
                if wantsAffine { sumGXhat.update(repeating: 0, count: 2 * size) }
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 2 * size)
                defer { scratch.deallocate() }
                let (xhat, gHat) = (scratch, scratch + size)
                for r in (block * blockRows)..<Swift.min(rows, (block + 1) * blockRows) {
                    let (mu, inv) = (sp[2 * r], sp[2 * r + 1])
                    let row = xp + r * size
                    let gRow = gp + r * size
                    for i in 0..<size { xhat[i] = (row[i] - mu) * inv }
                    if wantsAffine {
                        for i in 0..<size { sumGXhat[i] += gRow[i] * xhat[i] }
                        for i in 0..<size { sumG[i] += gRow[i] }
                    }
                    guard let gx else { continue }
                    if let wp { for i in 0..<size { gHat[i] = gRow[i] * wp[i] } } else { gHat.update(from: gRow, count: size) }
                    let meanG = Kernels.sum(gHat, size) / Float(size)
                    let meanGXhat = Kernels.dot(gHat, xhat, size) / Float(size)
                    let dx = gx.pointer + r * size
                    for i in 0..<size { dx[i] = inv * (gHat[i] - meanG - xhat[i] * meanGXhat) }
                }
            }
            func blockSum(_ offset: Int, _ like: Tensor) -> Tensor {
                let total = Tensor(shape: like.shape, repeating: 0)
                for block in 0..<blocks {
                    let src = pp + block * 2 * size + offset
                    for i in 0..<size { total.pointer[i] += src[i] }
                }
                return total
            }
            let gw = weight.map { blockSum(0, $0) }
            let gb = bias.map { blockSum(size, $0) }
            // One gradient per input, in the order the inputs were given.
            return [gx] + (weight == nil ? [] : [gw]) + (bias == nil ? [] : [gb])
        }
    }

    /// Σ (x_i − mu)² over `n` values, eight lanes at a time.
    private static func squaredDeviations(_ x: UnsafePointer<Float>, _ n: Int, from mu: Float) -> Float {
        let m = SIMD8<Float>(repeating: mu)
        var acc = SIMD8<Float>()
        var i = 0
        while i + 8 <= n {
            let d = Kernels.load(x + i) - m
            acc.addProduct(d, d)
            i += 8
        }
        var total = acc.sum()
        while i < n {
            let d = x[i] - mu
            total += d * d
            i += 1
        }
        return total
    }
}
