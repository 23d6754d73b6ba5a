/// Numerical gradient checking by central differences, accumulated in Double.
///
/// The scalar checked is L = Σ_k w_k · f(inputs)_k with fixed random weights w, so every output
/// element and every input element is exercised. Each input element x is moved by ±`eps` and
/// (L(x+eps) - L(x-eps)) / 2eps is compared with the analytic dL/dx from `backward()`.
public enum GradCheck {
    public struct Result: CustomStringConvertible {
        /// Largest |analytic - numeric| / (atol + rtol·|numeric|); the check passes when ≤ 1.
        public var worstRatio: Double = 0
        public var worst = "no elements"
        public var passed: Bool { worstRatio <= 1 }
        public var description: String { "\(passed ? "passed" : "FAILED"): worst \(worst)" }
    }

    /// Checks the gradients of `f` with respect to every input; inputs become leaves that require
    /// gradients. Float32 forward passes limit the precision, hence the default tolerances.
    public static func check(
        _ inputs: [Tensor], eps: Float = 1e-2, atol: Double = 1e-2, rtol: Double = 1e-2,
        seed: UInt64 = 7, _ f: ([Tensor]) -> Tensor
    ) -> Result {
        for x in inputs {
            x.requiresGrad = true
            x.grad = nil
        }
        let probe = withNoGrad { f(inputs) }
        let weights = Tensor.uniform(probe.shape, low: -1, high: 1, generator: RandomGenerator(seed: seed))
        func weightedSum() -> Double {
            let y = withNoGrad { f(inputs) }
            var total = 0.0
            for k in 0..<y.count { total += Double(weights.pointer[k]) * Double(y.pointer[k]) }
            return total
        }
        (f(inputs) * weights).sum().backward()

        var result = Result()
        for (n, x) in inputs.enumerated() {
            let analytic = x.grad?.scalars ?? [Float](repeating: 0, count: x.count)
            for j in 0..<x.count {
                let saved = x.pointer[j]
                x.pointer[j] = saved + eps
                let plus = weightedSum()
                x.pointer[j] = saved - eps
                let minus = weightedSum()
                x.pointer[j] = saved
                let numeric = (plus - minus) / (2 * Double(eps))
                let error = abs(Double(analytic[j]) - numeric)
                let ratio = error / (atol + rtol * abs(numeric))
                if ratio > result.worstRatio || ratio.isNaN {
                    result.worstRatio = ratio.isNaN ? .infinity : ratio
                    result.worst = "input \(n) \(x.shape) element \(j): analytic \(analytic[j]), numeric \(numeric)"
                }
            }
        }
        return result
    }
}
