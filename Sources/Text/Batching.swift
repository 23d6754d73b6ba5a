/// A token stream cut into `batchSize` parallel columns, as the recipe's `batchify`: the stream is
/// trimmed to a multiple of the batch size and column b holds tokens [b·rows, (b+1)·rows).
/// Stored row-major as [rows, batchSize], so row t holds the t-th token of every column.
public struct BatchedStream: Sendable {
    public let rows: Int
    public let batchSize: Int
    public let ids: [Int]

    public init(_ tokens: [Int], batchSize: Int) {
        precondition(batchSize > 0, "batchify: batch size must be positive")
        rows = tokens.count / batchSize
        self.batchSize = batchSize
        var ids = [Int](repeating: 0, count: rows * batchSize)
        for b in 0..<batchSize {
            for t in 0..<rows { ids[t * batchSize + b] = tokens[b * rows + t] }
        }
        self.ids = ids
    }

    /// Start rows of the BPTT windows: 0, bptt, 2·bptt, … below rows - 1.
    public func windowStarts(bptt: Int) -> StrideTo<Int> { stride(from: 0, to: rows - 1, by: bptt) }

    /// Number of BPTT windows.
    public func windowCount(bptt: Int) -> Int { rows > 1 ? (rows - 2) / bptt + 1 : 0 }

    /// The window at row `i` (the recipe's `get_batch`): seqLen = min(bptt, rows - 1 - i); input
    /// rows i..<i+seqLen and target rows i+1...i+seqLen, each flattened [seqLen, batchSize].
    public func batch(at i: Int, bptt: Int) -> (input: [Int], target: [Int], seqLen: Int) {
        let seqLen = min(bptt, rows - 1 - i)
        precondition(seqLen > 0, "batch(at:): row \(i) leaves no targets in \(rows) rows")
        let input = Array(ids[(i * batchSize)..<((i + seqLen) * batchSize)])
        let target = Array(ids[((i + 1) * batchSize)..<((i + 1 + seqLen) * batchSize)])
        return (input, target, seqLen)
    }
}
