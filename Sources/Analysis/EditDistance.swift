/// Levenshtein distance: the fewest single-character insertions, deletions and substitutions that
/// turn `a` into `b` (over Characters, so an accented letter counts as one).
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

extension WordVectors {
    /// Words within a small edit distance of `word` (at most 2, and at most a third of its length,
    /// at least 1), closest first; ties keep vocabulary order (frequent words first in a recipe
    /// vocabulary's first-seen order).
    public func closeSpellings(of word: String, limit: Int = 3) -> [String] {
        let target = word.lowercased()
        let bound = max(1, min(2, target.count / 3))
        var found: [(distance: Int, index: Int)] = []
        for (i, candidate) in words.enumerated() where abs(candidate.count - target.count) <= bound {
            let d = editDistance(target, candidate.lowercased())
            if d <= bound { found.append((d, i)) }
        }
        found.sort { ($0.distance, $0.index) < ($1.distance, $1.index) }
        return found.prefix(limit).map { words[$0.index] }
    }
}
