import Foundation

extension Tensor {
    /// The Gaussian error linear unit, exact (PyTorch's `nn.GELU()`, approximate = "none"):
    /// y = x·Φ(x) = ½x(1 + erf(x/√2)), same shape; d/dx = Φ(x) + x·φ(x) with φ(x) = e^(−x²/2)/√(2π).
    /// Φ comes from `VectorMath.normalCDF` eight lanes at a time (within 3e-7 of libm's erfc),
    /// whose e^(−x²/2) the backward pass shares with φ.
    public func gelu() -> Tensor {
        let x = storage
        let y = TensorStorage(uninitializedCount: count)
        Self.geluValues(x.pointer, y.pointer, count)
        return .result("gelu", shape: shape, storage: y, inputs: [self]) { g in
            let out = Tensor(uninitializedShape: g.shape)
            Self.geluInputGradient(g.pointer, input: x.pointer, into: out.pointer, g.count)
            return [out]
        }
    }

    /// A Linear after a GELU, y = gelu(h)·Wᵀ + b (h [*, in], weight [out, in], bias [out] →
    /// [*, out]; GPT-2's MLP projection), as one op whose backward recomputes gelu(h) from h:
    /// the two ops would keep both h and gelu(h), this keeps h alone.
    public static func geluLinear(_ h: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
        let (rows, outShape) = linearLayout(h, weight: weight, bias: bias, op: "geluLinear")
        /// gelu(h) [rows, in], made for the product and freed after it, in both passes.
        func activated() -> Tensor {
            let a = Tensor(uninitializedShape: [rows, weight.shape[1]])
            geluValues(h.pointer, a.pointer, h.count)
            return a
        }
        let out = TensorStorage(uninitializedCount: rows * weight.shape[0])
        linearProduct(activated(), weight: weight, bias: bias, rows: rows, into: out.pointer)
        let inputs = bias.map { [h, weight, $0] } ?? [h, weight]
        return .result("gelu_linear", shape: outShape, storage: out, inputs: inputs) { g in
            // gelu(h) for the weight's gradient and gelu′(h) for h's from one pass over h (one Φ
            // and e^(−h²/2) per value instead of two); gelu′(h) waits in h's gradient for g·W.
            let activated = Tensor(uninitializedShape: [rows, weight.shape[1]])
            let gh = h.requiresGrad ? Tensor(uninitializedShape: h.shape) : nil
            if let gh {
                geluValuesAndSlopes(h.pointer, activated.pointer, slopes: gh.pointer, h.count)
            } else {
                geluValues(h.pointer, activated.pointer, h.count)
            }
            activated.requiresGrad = h.requiresGrad
            let (ga, gw) = linearGradients(g.pointer, x: activated, weight: weight, rows: rows)
            if let ga, let gh { Kernels.zip(ga.pointer, gh.pointer, gh.pointer, h.count, Fn.Mul()) }
            return [gh, gw] + biasGradient(g, bias: bias, rows: rows)
        }
    }

    /// y[i] = gelu(x[i]).
    static func geluValues(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        mapLanes(x, y, count) { v in v * VectorMath.normalCDF(v).cdf }
    }

    /// y[i] = gelu(x[i]) and slopes[i] = gelu′(x[i]) = Φ(x) + x·φ(x), from one Φ per value.
    static func geluValuesAndSlopes(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, slopes: UnsafeMutablePointer<Float>, _ count: Int
    ) {
        Kernels.parallelFor(count, grain: 16_384) { range in
            var i = range.lowerBound
            while i < range.upperBound {
                let n = Swift.min(8, range.upperBound - i)
                let v = n == 8 ? Kernels.load(x + i) : Kernels.loadTail(x + i, n)
                let (value, slope) = geluAndSlope(v)
                if n == 8 {
                    Kernels.store(value, y + i)
                    Kernels.store(slope, slopes + i)
                } else {
                    Kernels.storeTail(value, y + i, n)
                    Kernels.storeTail(slope, slopes + i, n)
                }
                i += 8
            }
        }
    }

    /// out[i] = g[i] · gelu′(x[i]), gelu′(x) = Φ(x) + x·φ(x); `out` may be `g`.
    static func geluInputGradient(
        _ g: UnsafePointer<Float>, input x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, _ count: Int
    ) {
        Kernels.parallelFor(count, grain: 16_384) { range in
            var i = range.lowerBound
            while i < range.upperBound {
                let n = Swift.min(8, range.upperBound - i)
                let v = n == 8 ? Kernels.load(x + i) : Kernels.loadTail(x + i, n)
                let derivative = geluAndSlope(v).slope
                if n == 8 {
                    Kernels.store(derivative * Kernels.load(g + i), out + i)
                } else {
                    Kernels.storeTail(derivative * Kernels.loadTail(g + i, n), out + i, n)
                }
                i += 8
            }
        }
    }

    /// gelu(v) = v·Φ(v) and gelu′(v) = Φ(v) + v·φ(v), lane by lane, from one Φ and e^(−v²/2).
    @inline(__always)
    private static func geluAndSlope(_ v: VectorMath.Vector) -> (value: VectorMath.Vector, slope: VectorMath.Vector) {
        let (cdf, gaussian) = VectorMath.normalCDF(v)
        return (v * cdf, cdf + v * gaussian * inverseSqrt2Pi)
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
