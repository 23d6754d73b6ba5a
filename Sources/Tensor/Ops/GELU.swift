import Foundation

extension Tensor {
    /// The Gaussian error linear unit, exact (PyTorch's `nn.GELU()`, approximate = "none"):
    /// y = x·Φ(x) = ½x(1 + erf(x/√2)), same shape; d/dx = Φ(x) + x·φ(x) with φ(x) = e^(−x²/2)/√(2π).
    /// Φ comes from `VectorMath.normalCDF` eight lanes at a time (within 3e-7 of libm's erfc),
    /// whose e^(−x²/2) the backward pass shares with φ.
    public func gelu() -> Tensor {
        let x = storage
        let y = TensorStorage(uninitializedCount: count)
        let (xp, yp) = (x.pointer, y.pointer)
        Self.mapLanes(xp, yp, count) { v in v * VectorMath.normalCDF(v).cdf }
        return .result("gelu", shape: shape, storage: y, inputs: [self]) { g in
            let out = Tensor(uninitializedShape: g.shape)
            let (gp, xp, op) = (g.pointer, x.pointer, out.pointer)
            // Derivative first, then times the upstream gradient.
            Self.mapLanes(xp, op, g.count) { v in
                let (cdf, gaussian) = VectorMath.normalCDF(v)
                return cdf + v * gaussian * Self.inverseSqrt2Pi
            }
            Kernels.parallelFor(g.count, grain: 16_384) { range in
                for i in range { op[i] *= gp[i] }
            }
            return [out]
        }
    }

    /// out[i] = f(x[i]) eight lanes at a time over the cores; the tail through zero-padded lanes.
    @inline(__always)
    static func mapLanes(
        _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ count: Int,
        _ f: (VectorMath.Vector) -> VectorMath.Vector
    ) {
        Kernels.parallelFor(count, grain: 16_384) { range in
            var i = range.lowerBound
            while i < range.upperBound {
                let n = Swift.min(8, range.upperBound - i)
                if n == 8 {
                    Kernels.store(f(Kernels.load(x + i)), out + i)
                } else {
                    Kernels.storeTail(f(Kernels.loadTail(x + i, n)), out + i, n)
                }
                i += 8
            }
        }
    }

    private static let inverseSqrt2Pi: Float = 0.398_942_280_401_432_7
}

extension VectorMath {
    /// Φ(x), the standard normal distribution function, and e^(−x²/2), lane by lane:
    /// Φ(x) = ½(1 + erf(x/√2)) with erf from Abramowitz and Stegun 7.1.26 (absolute error below
    /// 1.5e-7): erf(z) = 1 − t(a₁ + t(a₂ + t(a₃ + t(a₄ + t·a₅))))·e^(−z²), t = 1/(1 + p·z), z ≥ 0.
    /// NaN in gives NaN out.
    @inline(__always)
    public static func normalCDF(_ x: Vector) -> (cdf: Vector, gaussian: Vector) {
        let z = abs(x) * 0.707_106_781_186_547_5
        let t = 1 / Vector(repeating: 1).addingProduct(z, 0.327_591_1)
        var poly = Vector(repeating: -1.453_152_027).addingProduct(t, 1.061_405_429)
        poly = Vector(repeating: 1.421_413_741).addingProduct(poly, t)
        poly = Vector(repeating: -0.284_496_736).addingProduct(poly, t)
        poly = Vector(repeating: 0.254_829_592).addingProduct(poly, t)
        let gaussian = exp(-0.5 * x * x)
        let tail = 0.5 * t * poly * gaussian  // Φ(−|x|) = ½ erfc(|x|/√2)
        return (whereNegative(x, tail, else: 1 - tail), gaussian)
    }
}
