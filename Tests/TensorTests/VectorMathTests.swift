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

    @Test func tensorOpsUseTheKernelsOnTails() {
        // 11 elements: one full vector and a tail of 3, each compared with libm.
        let x = Tensor(shape: [11], (0..<11).map { Float($0) * 0.7 - 3 })
        for (y, ref) in zip(x.tanh().scalars, x.scalars.map { Foundation.tanh(Double($0)) }) {
            #expect(abs(Double(y) - ref) <= 1e-6 * abs(ref) + 1e-30)
        }
    }
}
