extension Tensor {
    /// Layer normalisation over the last `size` values of each row, fused: x [*, size] viewed as
    /// rows → same shape, y = (x − mean_r) / √(var_r + eps) · weight + bias with the mean and biased
    /// variance of each row; `weight` and `bias` hold `size` values (any shape of that count).
    ///
    /// Composed from generic ops this took eight passes and temporaries, each with its own backward;
    /// here the forward makes two passes per row and the backward two, with
    /// dx = σ⁻¹ · (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) for ĝ = g·weight.
    public static func layerNorm(_ x: Tensor, size: Int, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor {
        precondition(size > 0 && x.count % size == 0, "layerNorm: input \(x.shape) is not rows of \(size) values")
        if let weight { precondition(weight.count == size, "layerNorm: weight \(weight.shape) does not hold \(size) values") }
        if let bias { precondition(bias.count == size, "layerNorm: bias \(bias.shape) does not hold \(size) values") }
        let rows = x.count / size
        var mean = [Float](repeating: 0, count: rows), invStd = mean
        let out = TensorStorage(uninitializedCount: x.count)
        let (xp, yp) = (x.pointer, out.pointer)
        let wp = weight?.pointer, bp = bias?.pointer
        for r in 0..<rows {
            let row = xp + r * size, y = yp + r * size
            let mu = Kernels.sum(row, size) / Float(size)
            var squares: Float = 0
            for i in 0..<size { let d = row[i] - mu; squares += d * d }
            let inv = 1 / (squares / Float(size) + eps).squareRoot()
            (mean[r], invStd[r]) = (mu, inv)
            for i in 0..<size { y[i] = (row[i] - mu) * inv * (wp?[i] ?? 1) + (bp?[i] ?? 0) }
        }
        let inputs = [x] + [weight, bias].compactMap { $0 }
        return Tensor.result("layer_norm", shape: x.shape, storage: out, inputs: inputs) { g in
            let gp = g.pointer, xp = x.pointer, wp = weight?.pointer
            let gx = x.requiresGrad ? Tensor(uninitializedShape: x.shape) : nil
            let gw = weight.map { Tensor(shape: $0.shape, repeating: 0) }
            let gb = bias.map { Tensor(shape: $0.shape, repeating: 0) }
            for r in 0..<rows {
                let (mu, inv) = (mean[r], invStd[r])
                let row = xp + r * size, gRow = gp + r * size
                var sumG: Float = 0, sumGXhat: Float = 0
                for i in 0..<size {
                    let xhat = (row[i] - mu) * inv, gi = gRow[i] * (wp?[i] ?? 1)
                    sumG += gi
                    sumGXhat += gi * xhat
                    gw?.pointer[i] += gRow[i] * xhat
                    gb?.pointer[i] += gRow[i]
                }
                guard let gx else { continue }
                let meanG = sumG / Float(size), meanGXhat = sumGXhat / Float(size), dx = gx.pointer + r * size
                for i in 0..<size {
                    let xhat = (row[i] - mu) * inv
                    dx[i] = inv * (gRow[i] * (wp?[i] ?? 1) - meanG - xhat * meanGXhat)
                }
            }
            // One gradient per input, in the order the inputs were given.
            return [gx] + (weight == nil ? [] : [gw]) + (bias == nil ? [] : [gb])
        }
    }
}
