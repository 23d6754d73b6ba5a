import Foundation

/// One point's Gaussian over its neighbours, p_j ∝ exp(−β d_j²), with β found by bisection so that
/// the entropy H = −Σ p_j ln p_j (nats) equals ln(perplexity).
///
/// Distances are shifted by their minimum before exponentiating (the normalised p and H do not
/// change, and nothing underflows); β doubles or halves until the target is bracketed, then
/// bisects, stopping at |H − ln perplexity| < `tolerance` or after `maxSteps` steps (van der
/// Maaten's bhtsne and openTSNE do the same).
public enum PerplexitySearch {
    /// The calibrated probabilities for `squaredDistances`, with the β and entropy reached.
    public static func conditionals(
        squaredDistances: [Double], perplexity: Double,
        tolerance: Double = 1e-5, maxSteps: Int = 200
    ) -> (probabilities: [Double], beta: Double, entropy: Double) {
        var p = [Double](repeating: 0, count: squaredDistances.count)
        let (beta, entropy) = squaredDistances.withUnsafeBufferPointer { d in
            p.withUnsafeMutableBufferPointer { p in
                calibrate(
                    d.baseAddress!, d.count, perplexity: perplexity, into: p.baseAddress!, tolerance: tolerance,
                    maxSteps: maxSteps)
            }
        }
        return (p, beta, entropy)
    }

    /// Writes the calibrated probabilities of the `count` squared distances at `d` to `p`.
    @discardableResult
    static func calibrate(
        _ d: UnsafePointer<Double>, _ count: Int, perplexity: Double,
        into p: UnsafeMutablePointer<Double>, tolerance: Double = 1e-5, maxSteps: Int = 200
    ) -> (beta: Double, entropy: Double) {
        guard count > 0 else { return (1, 0) }
        let target = Foundation.log(perplexity)
        var minimum = d[0]
        for j in 1..<count where d[j] < minimum { minimum = d[j] }
        var beta = 1.0
        var low = 0.0
        var high = Double.infinity
        var entropy = 0.0
        for _ in 0..<maxSteps {
            entropy = fill(d, count, minimum, beta, p)
            let gap = entropy - target
            if abs(gap) < tolerance { break }
            if gap > 0 {  // too flat: sharpen
                low = beta
                beta = high.isInfinite ? beta * 2 : (beta + high) / 2
            } else {
                high = beta
                beta = (beta + low) / 2
            }
        }
        entropy = fill(d, count, minimum, beta, p)
        return (beta, entropy)
    }

    /// Fills `p` with the normalised Gaussian at precision `beta`; returns its entropy.
    @inline(__always)
    private static func fill(
        _ d: UnsafePointer<Double>, _ count: Int, _ minimum: Double, _ beta: Double,
        _ p: UnsafeMutablePointer<Double>
    ) -> Double {
        var sum = 0.0
        var weighted = 0.0
        for j in 0..<count {
            let shifted = d[j] - minimum
            let w = Foundation.exp(-beta * shifted)
            p[j] = w
            sum += w
            weighted += shifted * w
        }
        let scale = 1 / sum
        for j in 0..<count { p[j] *= scale }
        return Foundation.log(sum) + beta * weighted * scale
    }
}
