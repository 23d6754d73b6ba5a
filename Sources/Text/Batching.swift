/// A token stream cut into `batchSize` parallel columns, as the recipe's `batchify`: the stream is
/// trimmed to a multiple of the batch size and column b holds tokens [b·rows, (b+1)·rows).
/// Stored row-major as [rows, batchSize], so row t holds the t-th token of every column.
public struct BatchedStream: Sendable {
    public let rows: Int
    public let batchSize: Int
    public let ids: [Int]

    /// The largest batch size, 2³¹ − 1 columns. A batch needs two rows, so a larger one needs more
    /// than 2³² tokens (34 GB of ids), more text than is ever read into memory; below it, products
    /// of the batch size with row counts, ranks or a factor of two never overflow.
    public static let maxBatchSize = Int(Int32.max)

    /// Cuts `tokens` into `batchSize` columns; a batch size beyond the text gives no rows at once
    /// (the work is bounded by the tokens, never by the batch size).
    public init(_ tokens: [Int], batchSize: Int) {
        precondition(batchSize > 0, "batchify: batch size must be positive")
        rows = tokens.count / batchSize
        self.batchSize = batchSize
        var ids = [Int](repeating: 0, count: rows * batchSize)
        // No rows, nothing to copy: looping over 10¹² empty columns once took hours.
        if rows > 0 {
            for b in 0..<batchSize {
                for t in 0..<rows { ids[t * batchSize + b] = tokens[b * rows + t] }
            }
        }
        self.ids = ids
    }

    /// Cuts `tokens` (the text `source` names) into `batchSize` columns after checking, before any
    /// work, that the batch size is 1…`maxBatchSize` and leaves the two rows one window needs.
    public init(checking tokens: [Int], batchSize: Int, source: String) throws(TextError) {
        guard batchSize >= 1, batchSize <= Self.maxBatchSize else { throw .badBatchSize(batchSize) }
        guard tokens.count / batchSize >= 2 else { throw .tooFewForBatch(source, tokens: tokens.count, batchSize: batchSize) }
        self.init(tokens, batchSize: batchSize)
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
