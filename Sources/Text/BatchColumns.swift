extension BatchedStream {
    /// Columns `range` of this stream as a stream of their own: one rank's share of a batch split
    /// across processes (column b of the share is column range.lowerBound + b here). The whole
    /// range returns the stream itself.
    public func columns(_ range: Range<Int>) -> BatchedStream {
        precondition(range.lowerBound >= 0 && range.upperBound <= batchSize, "columns: \(range) outside 0..<\(batchSize)")
        if range == 0..<batchSize { return self }
        let width = range.count
        var shared = [Int](repeating: 0, count: rows * width)
        for t in 0..<rows {
            for b in 0..<width { shared[t * width + b] = ids[t * batchSize + range.lowerBound + b] }
        }
        return BatchedStream(rows: rows, batchSize: width, ids: shared)
    }

    init(rows: Int, batchSize: Int, ids: [Int]) {
        self.rows = rows
        self.batchSize = batchSize
        self.ids = ids
    }
}
