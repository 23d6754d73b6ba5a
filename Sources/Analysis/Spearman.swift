/// Ranks 1…n of `values` in increasing order; tied values share the average of the ranks they
/// span (scipy's `rankdata(method="average")`), e.g. [10, 20, 20, 30] → [1, 2.5, 2.5, 4].
public func averageRanks(_ values: [Double]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var ranks = [Double](repeating: 0, count: values.count)
    var start = 0
    while start < order.count {
        var end = start + 1
        while end < order.count, values[order[end]] == values[order[start]] { end += 1 }
        let rank = Double(start + end + 1) / 2  // mean of ranks start+1 … end
        for i in start..<end { ranks[order[i]] = rank }
        start = end
    }
    return ranks
}

/// Pearson's correlation r = Σ(xᵢ − x̄)(yᵢ − ȳ) / √(Σ(xᵢ − x̄)² · Σ(yᵢ − ȳ)²); nil when the
/// lengths differ, there are fewer than two points, or either side is constant.
public func pearsonCorrelation(_ x: [Double], _ y: [Double]) -> Double? {
    guard x.count == y.count, x.count >= 2 else { return nil }
    let n = Double(x.count)
    let mx = x.reduce(0, +) / n
    let my = y.reduce(0, +) / n
    var sxy = 0.0
    var sxx = 0.0
    var syy = 0.0
    for i in x.indices {
        let dx = x[i] - mx
        let dy = y[i] - my
        sxy += dx * dy
        sxx += dx * dx
        syy += dy * dy
    }
    guard sxx > 0, syy > 0 else { return nil }
    return sxy / (sxx * syy).squareRoot()
}

/// Spearman's rank correlation ρ: Pearson's r of the average ranks of `x` and of `y`, which handles
/// ties as `scipy.stats.spearmanr` does (without ties it equals 1 − 6Σdᵢ² / (n(n² − 1))). Nil when
/// undefined (fewer than two points, or a constant side).
public func spearmanCorrelation(_ x: [Double], _ y: [Double]) -> Double? {
    guard x.count == y.count else { return nil }
    return pearsonCorrelation(averageRanks(x), averageRanks(y))
}
