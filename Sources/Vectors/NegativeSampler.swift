import Foundation

/// Draws negative words with probability ∝ count^power (Walker's alias method: one uniform index and
/// one uniform number per draw, two arrays the size of the vocabulary). fastText samples from a
/// 10M-entry table filled in the same proportions; the alias tables give the exact distribution
/// and stay in cache.
public struct NegativeSampler: Sendable {
    let probability: [Float]
    let alias: [Int32]

    /// Weights `count^power` for each word.
    public init(counts: [Int], power: Double) {
        let weights = counts.map { $0 > 0 ? pow(Double($0), power) : 0 }
        self.init(weights: weights)
    }

    /// Weights in any scale; at least one must be positive.
    public init(weights: [Double]) {
        let n = weights.count
        let total = weights.reduce(0, +)
        var scaled = weights.map { total > 0 ? $0 * Double(n) / total : 1 }
        var probability = [Float](repeating: 1, count: n)
        var alias = (0..<n).map(Int32.init)
        var small = (0..<n).filter { scaled[$0] < 1 }
        var large = (0..<n).filter { scaled[$0] >= 1 }
        // Pair each short column with a tall one; what is left over (rounding) keeps probability 1.
        while let l = large.last, let s = small.popLast() {
            probability[s] = Float(scaled[s])
            alias[s] = Int32(l)
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 {
                large.removeLast()
                small.append(l)
            }
        }
        (self.probability, self.alias) = (probability, alias)
    }

    /// The exact probability of drawing each word (for tests).
    public var distribution: [Double] {
        var p = [Double](repeating: 0, count: probability.count)
        for i in probability.indices {
            p[i] += Double(probability[i]) / Double(probability.count)
            p[Int(alias[i])] += (1 - Double(probability[i])) / Double(probability.count)
        }
        return p
    }
}
