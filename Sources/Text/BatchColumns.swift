extension BatchedStream {
    /// Columns `range` of this stream as a stream of their own: one rank's share of a batch split
    /// across processes (column b of the share is column range.lowerBound + b here). The share
    /// reads the same token storage (no copy); the whole range returns the stream itself.
    public func columns(_ range: Range<Int>) -> BatchedStream {
        precondition(range.lowerBound >= 0 && range.upperBound <= batchSize, "columns: \(range) outside 0..<\(batchSize)")
        if range == 0..<batchSize { return self }
        return BatchedStream(rows: rows, batchSize: range.count, tokens: tokens, firstColumn: firstColumn + range.lowerBound)
    }
}
