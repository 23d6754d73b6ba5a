/// A token stream cut into `batchSize` parallel columns, as the recipe's `batchify`: the stream is
/// trimmed to a multiple of the batch size and column b holds tokens [b·rows, (b+1)·rows). Read
/// as [rows, batchSize] row-major (row t holds the t-th token of every column), but nothing is
/// copied: column b is a contiguous range of the stream, so a window gathers its rows from it.
public struct BatchedStream: Sendable {
    public let rows: Int
    public let batchSize: Int
    /// The whole stream; this stream's column b is column `firstColumn + b` of it (a rank's share).
    let tokens: TokenIDs
    let firstColumn: Int

    /// The largest batch size, 2³¹ − 1 columns. A batch needs two rows, so a larger one needs more
    /// than 2³² tokens (34 GB of ids), more text than is ever read into memory; below it, products
    /// of the batch size with row counts, ranks or a factor of two never overflow.
    public static let maxBatchSize = Int(Int32.max)

    /// Cuts `tokens` into `batchSize` columns; a batch size beyond the text gives no rows at once
    /// (the work is bounded by the tokens, never by the batch size).
    public init(_ tokens: TokenIDs, batchSize: Int) {
        precondition(batchSize > 0, "batchify: batch size must be positive")
        rows = tokens.count / batchSize
        self.batchSize = batchSize
        self.tokens = tokens
        firstColumn = 0
    }

    public init(_ tokens: [Int], batchSize: Int) { self.init(TokenIDs(tokens), batchSize: batchSize) }

    /// Cuts `tokens` (the text `source` names) into `batchSize` columns after checking, before any
    /// work, that the batch size is 1…`maxBatchSize` and leaves the two rows one window needs.
    public init(checking tokens: TokenIDs, batchSize: Int, source: String) throws(TextError) {
        guard batchSize >= 1, batchSize <= Self.maxBatchSize else { throw .badBatchSize(batchSize) }
        guard tokens.count / batchSize >= 2 else { throw .tooFewForBatch(source, tokens: tokens.count, batchSize: batchSize) }
        self.init(tokens, batchSize: batchSize)
    }

    public init(checking tokens: [Int], batchSize: Int, source: String) throws(TextError) {
        try self.init(checking: TokenIDs(tokens), batchSize: batchSize, source: source)
    }

    init(rows: Int, batchSize: Int, tokens: TokenIDs, firstColumn: Int) {
        (self.rows, self.batchSize, self.tokens, self.firstColumn) = (rows, batchSize, tokens, firstColumn)
    }

    /// The ids row-major, [rows, batchSize] flattened (a copy: for tests and small streams).
    public var ids: [Int] { rows > 0 ? gather(rows: 0..<rows) : [] }

    /// Start rows of the BPTT windows: 0, bptt, 2·bptt, … below rows - 1.
    public func windowStarts(bptt: Int) -> StrideTo<Int> { stride(from: 0, to: rows - 1, by: bptt) }

    /// Number of BPTT windows.
    public func windowCount(bptt: Int) -> Int { rows > 1 ? (rows - 2) / bptt + 1 : 0 }

    /// The window at row `i` (the recipe's `get_batch`): seqLen = min(bptt, rows - 1 - i); input
    /// rows i..<i+seqLen and target rows i+1...i+seqLen, each flattened [seqLen, batchSize].
    public func batch(at i: Int, bptt: Int) -> (input: [Int], target: [Int], seqLen: Int) {
        let seqLen = min(bptt, rows - 1 - i)
        precondition(seqLen > 0, "batch(at:): row \(i) leaves no targets in \(rows) rows")
        return (gather(rows: i..<(i + seqLen)), gather(rows: (i + 1)..<(i + 1 + seqLen)), seqLen)
    }

    /// Rows `range` flattened [range.count, batchSize]: row t, column b is token
    /// (firstColumn + b)·rows + t of the stream.
    func gather(rows range: Range<Int>) -> [Int] {
        let (width, rows, first) = (batchSize, self.rows, firstColumn)
        return [Int](unsafeUninitializedCapacity: range.count * width) { out, initialized in
            tokens.withUnsafeInt32s { ids in
                for b in 0..<width {
                    let column = (first + b) * rows
                    for (t, row) in range.enumerated() { out[t * width + b] = Int(ids[column + row]) }
                }
            }
            initialized = range.count * width
        }
    }
}
