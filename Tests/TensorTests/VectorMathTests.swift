import Foundation
import Tensor
import Testing

/// The polynomial exp/tanh/sigmoid kernels against Double libm.
@Suite struct VectorMathTests {
    /// A dense sweep over the interesting range, the special values, and random bit patterns
    /// spread over the whole float range.
    static let inputs: [Float] = {
        var xs: [Float] = [
            0, -0, .infinity, -.infinity, .nan, .leastNormalMagnitude, -.leastNormalMagnitude,
            .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .greatestFiniteMagnitude,
            -.greatestFiniteMagnitude, 88.72, 88.7228, 88.7229, 88.8, -87.33, -87.34, -103.9,
            -104, -105, 0.625, -0.625, 0.62499, 1e-30, -1e-30, 9, -9, 20, -20
        ]
        var x: Float = -110
        while x < 100 {
            xs.append(x)
            x += 0.00097
        }
        let rng = RandomGenerator(seed: 11)
        for _ in 0..<200_000 { xs.append(Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))) }
        return xs
    }()

    /// Relative error, measured absolutely below the smallest normal float (where Float itself
    /// has no relative precision). Infinite references must be met exactly; NaN must give NaN.
    static func worstError(_ kernel: (SIMD8<Float>) -> SIMD8<Float>, _ reference: (Double) -> Double) -> (Double, Float) {
        var worst = 0.0
        var at: Float = 0
        var i = 0
        while i < inputs.count {
            var v = SIMD8<Float>()
            let n = min(8, inputs.count - i)
            for j in 0..<n { v[j] = inputs[i + j] }
            let y = kernel(v)
            for j in 0..<n {
                let x = inputs[i + j]
                let ref = reference(Double(x))
                let error: Double
                if x.isNaN {
                    error = y[j].isNaN ? 0 : .infinity
                } else if Float(ref).isInfinite {
                    error = y[j] == Float(ref) ? 0 : .infinity
                } else {
                    error = abs(Double(y[j]) - ref) / max(abs(ref), Double(Float.leastNormalMagnitude))
                }
                if !(error <= worst) {
                    worst = error
                    at = x
                }
            }
            i += 8
        }
        return (worst, at)
    }

    @Test func expIsAccurate() {
        let (error, at) = Self.worstError(VectorMath.exp, Foundation.exp)
        #expect(error <= 1e-6, "exp: relative error \(error) at x = \(at)")
    }

    @Test func tanhIsAccurate() {
        let (error, at) = Self.worstError(VectorMath.tanh, Foundation.tanh)
        #expect(error <= 1e-6, "tanh: relative error \(error) at x = \(at)")
    }

    @Test func sigmoidIsAccurate() {
        let (error, at) = Self.worstError(VectorMath.sigmoid) { 1 / (1 + Foundation.exp(-$0)) }
        #expect(error <= 1e-6, "sigmoid: relative error \(error) at x = \(at)")
    }

    /// Φ(x) = ½ erfc(−x/√2) within 3e-7 absolute (Abramowitz and Stegun's 1.5e-7 plus rounding),
    /// and GELU = x·Φ(x) with it; its e^(−x²/2) as exp's.
    @Test func normalCDFIsAccurate() {
        var worst = 0.0
        var at: Float = 0
        for chunk in stride(from: 0, to: Self.inputs.count, by: 8) {
            var v = SIMD8<Float>()
            let n = min(8, Self.inputs.count - chunk)
            for j in 0..<n { v[j] = Self.inputs[chunk + j] }
            let (cdf, gaussian) = VectorMath.normalCDF(v)
            for j in 0..<n {
                let x = Double(v[j])
                if x.isNaN {
                    #expect(cdf[j].isNaN)
                    continue
                }
                let error = abs(Double(cdf[j]) - 0.5 * Foundation.erfc(-x / 2.0.squareRoot()))
                if !(error <= worst) { (worst, at) = (error, v[j]) }
                // x² rounds to Float first: a relative error of x²/2 · 2⁻²³ in e^(−x²/2).
                let reference = Foundation.exp(-0.5 * x * x)
                let bound = x.isInfinite ? 0 : (1e-6 + 0.5 * x * x * 0x1p-23) * reference + Double(Float.leastNormalMagnitude)
                #expect(abs(Double(gaussian[j]) - reference) <= bound, "e^(-x²/2) at \(x)")
            }
        }
        #expect(worst <= 3e-7, "normalCDF: absolute error \(worst) at x = \(at)")
        let x = Tensor(shape: [11], (0..<11).map { Float($0) * 0.9 - 4.5 })
        for (y, v) in zip(x.gelu().scalars, x.scalars) {
            let reference = 0.5 * Double(v) * (1 + Foundation.erf(Double(v) / 2.0.squareRoot()))
            #expect(abs(Double(y) - reference) <= 3e-7 * (1 + abs(Double(v))), "gelu(\(v))")
        }
    }

    @Test func tensorOpsUseTheKernelsOnTails() {
        // 11 elements: one full vector and a tail of 3, each compared with libm.
        let x = Tensor(shape: [11], (0..<11).map { Float($0) * 0.7 - 3 })
        for (y, ref) in zip(x.tanh().scalars, x.scalars.map { Foundation.tanh(Double($0)) }) {
            #expect(abs(Double(y) - ref) <= 1e-6 * abs(ref) + 1e-30)
        }
    }
}
