import Foundation

extension Tensor {
    /// Batch normalisation with batch statistics (training mode), fused: x [N, C, *] → same shape,
    /// y = (x − mean_c) / √(var_c + eps) · weight_c + bias_c with mean and biased variance of each
    /// channel over N and the trailing axes. Returns the statistics too, for running averages.
    ///
    /// Composed from generic ops this took ten passes and as many temporaries; here the forward
    /// makes three passes and the backward two, using the classic closed form
    /// dx = w·σ⁻¹/m · (m·g − Σg − x̂·Σ(g·x̂)).
    public static func batchNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float)
        -> (output: Tensor, mean: [Float], variance: [Float])
    {
        precondition(x.rank >= 2, "batchNorm: input \(x.shape) is not [N, C, *]")
        let (n, c) = (x.shape[0], x.shape[1])
        let inner = x.count / Swift.max(n * c, 1)
        let m = n * inner
        if let weight { precondition(weight.shape == [c], "batchNorm: weight \(weight.shape) does not match input \(x.shape)") }
        if let bias { precondition(bias.shape == [c], "batchNorm: bias \(bias.shape) does not match input \(x.shape)") }
        precondition(m > 1, "batchNorm: input \(x.shape) has one value per channel; batch statistics need more")

        var mean = [Float](repeating: 0, count: c)
        var variance = mean
        var invStd = mean
        let out = TensorStorage(uninitializedCount: x.count)
        let xp = x.pointer
        let yp = out.pointer
        for ch in 0..<c {
            var total = 0.0
            for b in 0..<n { total += Double(Kernels.sum(xp + (b * c + ch) * inner, inner)) }
            let mu = Float(total / Double(m))
            var squares = 0.0
            for b in 0..<n {
                let row = xp + (b * c + ch) * inner
                for i in 0..<inner {
                    let d = Double(row[i] - mu)
                    squares += d * d
                }
            }
            let sigma2 = Float(squares / Double(m))
            let inv = 1 / (sigma2 + eps).squareRoot()
            (mean[ch], variance[ch], invStd[ch]) = (mu, sigma2, inv)
            let scale = inv * (weight?.pointer[ch] ?? 1)
            let shift = (bias?.pointer[ch] ?? 0) - mu * scale
            for b in 0..<n {
                let offset = (b * c + ch) * inner
                for i in 0..<inner { yp[offset + i] = xp[offset + i] * scale + shift }
            }
        }
        let inputs = [x] + [weight, bias].compactMap { $0 }
        let result = Tensor.result("batch_norm", shape: x.shape, storage: out, inputs: inputs) { g in
            let gp = g.pointer
            let xp = x.pointer
            let gx = x.requiresGrad ? Tensor(uninitializedShape: x.shape) : nil
            let gw = weight.map { _ in Tensor(uninitializedShape: [c]) }
            let gb = bias.map { _ in Tensor(uninitializedShape: [c]) }
            for ch in 0..<c {
                let (mu, inv) = (mean[ch], invStd[ch])
                var sumG = 0.0
                var sumGXhat = 0.0
                for b in 0..<n {
                    let offset = (b * c + ch) * inner
                    for i in 0..<inner {
                        let gi = Double(gp[offset + i])
                        sumG += gi
                        sumGXhat += gi * Double((xp[offset + i] - mu) * inv)
                    }
                }
                gw?.pointer[ch] = Float(sumGXhat)
                gb?.pointer[ch] = Float(sumG)
                guard let gx else { continue }
                let k = inv * (weight?.pointer[ch] ?? 1)
                let meanG = Float(sumG / Double(m))
                let meanGXhat = Float(sumGXhat / Double(m))
                for b in 0..<n {
                    let offset = (b * c + ch) * inner
                    for i in 0..<inner {
                        let xhat = (xp[offset + i] - mu) * inv
                        gx.pointer[offset + i] = k * (gp[offset + i] - meanG - xhat * meanGXhat)
                    }
                }
            }
            // One gradient per input, in the order the inputs were given.
            return [gx] + (weight == nil ? [] : [gw]) + (bias == nil ? [] : [gb])
        }
        return (result, mean, variance)
    }
}
