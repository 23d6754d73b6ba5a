import Foundation

/// Counts of the n-grams (runs of `n` consecutive tokens) in a token stream.
///
/// ```swift
/// let stats = NGramStatistics(tokens: "a b a b".split(separator: " ").map(String.init), n: 2)
/// stats.top(1)   // [(["a", "b"], 2)]
/// ```
public struct NGramStatistics: Sendable {
    public struct Entry: Equatable, Sendable {
        public let tokens: [String]
        public let count: Int
        public init(tokens: [String], count: Int) {
            self.tokens = tokens
            self.count = count
        }
    }

    public let n: Int
    /// Distinct n-grams with their counts, most frequent first; equal counts in order of first
    /// appearance.
    public let entries: [Entry]
    /// Number of n-gram occurrences: max(0, tokens − n + 1).
    public let tokenCount: Int

    /// Counts the n-grams of `tokens`; `n` must be at least 1.
    public init(tokens: [String], n: Int) {
        precondition(n >= 1, "NGramStatistics: n must be at least 1, got \(n)")
        self.n = n
        var ids: [String: Int32] = [:]
        var names: [String] = []
        let encoded = tokens.map { token -> Int32 in
            if let id = ids[token] { return id }
            let id = Int32(names.count)
            ids[token] = id
            names.append(token)
            return id
        }
        var counts: [[Int32]: (count: Int, first: Int)] = [:]
        let occurrences = max(0, encoded.count - n + 1)
        for start in 0..<occurrences {
            let key = Array(encoded[start..<start + n])
            if let seen = counts[key] { counts[key] = (seen.count + 1, seen.first) } else { counts[key] = (1, start) }
        }
        entries = counts.sorted { ($1.value.count, $0.value.first) < ($0.value.count, $1.value.first) }
            .map { Entry(tokens: $0.key.map { names[Int($0)] }, count: $0.value.count) }
        tokenCount = occurrences
    }

    /// Number of distinct n-grams.
    public var typeCount: Int { entries.count }

    /// The `k` most frequent n-grams.
    public func top(_ k: Int) -> ArraySlice<Entry> { entries.prefix(max(0, k)) }

    /// Zipf's rank–frequency data: (rank, count) with rank 1 the most frequent. With `maxPoints`,
    /// ranks are sampled at roughly even steps of log(rank) (first and last rank always kept),
    /// which keeps a log-log plot's shape at a fraction of the points.
    public func rankFrequency(maxPoints: Int? = nil) -> [(rank: Int, count: Int)] {
        let all = entries.count
        guard let maxPoints, maxPoints >= 2, all > maxPoints else {
            return entries.enumerated().map { ($0.offset + 1, $0.element.count) }
        }
        var ranks: [Int] = []
        let logMax = log(Double(all))
        for i in 0..<maxPoints {
            let rank = Int(exp(logMax * Double(i) / Double(maxPoints - 1)).rounded())
            let clamped = min(max(rank, 1), all)
            if ranks.last != clamped { ranks.append(clamped) }
        }
        return ranks.map { ($0, entries[$0 - 1].count) }
    }
}
