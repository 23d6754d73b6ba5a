extension WordVectors {
    /// The first `count` words (all of them when there are fewer): the most frequent ones for a
    /// fastText `.vec` file, which lists words by frequency. A checkpoint's vocabulary is in
    /// first-seen order instead; see `rankedByFrequency(in:)`.
    public func prefix(_ count: Int) -> WordVectors {
        rows(Array(0..<min(max(0, count), self.count)))
    }

    /// The words reordered by how often they occur in `tokens`, most frequent first; ties, and
    /// words that never occur, keep their current order. Returns the counts in the new order too.
    public func rankedByFrequency(in tokens: [String]) -> (vectors: WordVectors, counts: [Int]) {
        var counts = [Int](repeating: 0, count: count)
        for token in tokens {
            // Exact spelling only: a lowercase fallback would count "The" for "the" twice over.
            if let row = exactIndex(of: token) { counts[row] += 1 }
        }
        let order = (0..<count).sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
        return (rows(order), order.map { counts[$0] })
    }
}
