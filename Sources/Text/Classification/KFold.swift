/// k-fold cross-validation splits over `count` examples: a seeded shuffle, then k folds whose
/// sizes differ by at most one (the first `count % k` folds take one more). Fold i tests on its
/// own examples and trains on all the others.
public struct KFold: Sendable {
    public let folds: [[Int]]

    public init(count: Int, folds k: Int, seed: UInt64) {
        precondition(k >= 2 && k <= count, "KFold: \(k) folds need 2…\(count)")
        let order = SeededShuffle.permutation(count, seed: seed)
        var folds: [[Int]] = []
        var start = 0
        for i in 0..<k {
            let size = count / k + (i < count % k ? 1 : 0)
            folds.append(Array(order[start..<(start + size)]))
            start += size
        }
        self.folds = folds
    }

    /// (train, test) indices of fold `i`.
    public func split(_ i: Int) -> (train: [Int], test: [Int]) {
        let test = folds[i]
        let train = folds.indices.filter { $0 != i }.flatMap { folds[$0] }
        return (train.sorted(), test)
    }
}

/// A permutation from a seed, the same on every platform (SplitMix64 + Fisher–Yates).
public enum SeededShuffle {
    public static func permutation(_ count: Int, seed: UInt64) -> [Int] {
        var random = SplitMix64(seed: seed)
        var order = Array(0..<count)
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) {
                let j = random.next(below: i + 1)
                order.swapAt(i, j)
            }
        }
        return order
    }
}
