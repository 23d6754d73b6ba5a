import Foundation

extension Tensor {
    /// The Gaussian error linear unit, exact (PyTorch's `nn.GELU()`, approximate = "none"):
    /// y = x·Φ(x) = ½x(1 + erf(x/√2)), same shape; d/dx = Φ(x) + x·φ(x) with φ(x) = e^(−x²/2)/√(2π).
    public func gelu() -> Tensor {
        let x = storage
        let y = TensorStorage(uninitializedCount: count)
        let (xp, yp) = (x.pointer, y.pointer)
        Kernels.parallelFor(count, grain: 16_384) { range in
            for i in range { yp[i] = 0.5 * xp[i] * (1 + Foundation.erf(xp[i] * Self.inverseSqrt2)) }
        }
        return .result("gelu", shape: shape, storage: y, inputs: [self]) { g in
            let out = Tensor(uninitializedShape: g.shape)
            let (gp, xp, op) = (g.pointer, x.pointer, out.pointer)
            Kernels.parallelFor(g.count, grain: 16_384) { range in
                for i in range {
                    let v = xp[i]
                    let cdf = 0.5 * (1 + Foundation.erf(v * Self.inverseSqrt2))
                    let pdf = Foundation.exp(-0.5 * v * v) * Self.inverseSqrt2Pi
                    op[i] = gp[i] * (cdf + v * pdf)
                }
            }
            return [out]
        }
    }

    private static let inverseSqrt2: Float = 0.707_106_781_186_547_5
    private static let inverseSqrt2Pi: Float = 0.398_942_280_401_432_7
}
