import Tensor

/// An embedding table's gradient averaged over the ranks from the rows that changed: a step
/// touches the rows of the words in its batch (at most batch × bptt of them), so sending those
/// rows and their ids can be far smaller than the dense [rows, width] all-reduce.
enum SparseRows {
    /// Replaces `grad` [rows, width] on every rank by its mean over the ranks of `communicator`,
    /// sent as the rows that are not all zero, when all ranks' rows together, ids included, are
    /// fewer floats than the table (rows × width); returns the bytes this rank sent. Returns nil,
    /// having changed nothing, when the dense form is smaller (every rank decides alike from the
    /// gathered counts) or the table has more than 2³¹ − 1 rows.
    ///
    /// Each rank adds the gathered rows into zeros in rank order, so every rank holds the same
    /// sums, and they are the dense all-reduce's where that adds in rank order (two ranks:
    /// a + b, always) — a row no rank touched stays zero, as the dense sum of zeros.
    static func average(_ grad: Tensor, communicator: any Communicator) -> Int? {
        precondition(grad.rank == 2, "SparseRows: gradient \(grad.shape) is not a table")
        let (rows, width) = (grad.shape[0], grad.shape[1])
        guard rows < Int(Int32.max), width > 0 else { return nil }
        let table = grad.pointer
        var ids: [Int32] = []
        for row in 0..<rows {
            let start = table + row * width
            var k = 0
            while k < width && start[k] == 0 { k += 1 }
            if k < width { ids.append(Int32(row)) }
        }
        let counts = communicator.allGather(Int32(ids.count)).map(Int.init)
        let total = counts.reduce(0, +)
        guard total * (width + 1) < rows * width else { return nil }

        var mine = [Float](repeating: 0, count: ids.count * width)
        for (n, id) in ids.enumerated() {
            let source = table + Int(id) * width
            for k in 0..<width { mine[n * width + k] = source[k] }
        }
        var allIDs = [Int32](repeating: 0, count: total)
        var allRows = [Float](repeating: 0, count: total * width)
        ids.withUnsafeBufferPointer { send in
            allIDs.withUnsafeMutableBufferPointer { communicator.allGather(send, counts: counts, into: $0) }
        }
        mine.withUnsafeBufferPointer { send in
            allRows.withUnsafeMutableBufferPointer {
                communicator.allGather(send, counts: counts.map { $0 * width }, into: $0)
            }
        }
        // Only this rank's own rows are not zero yet.
        for id in ids { (table + Int(id) * width).update(repeating: 0, count: width) }
        var touched = [Bool](repeating: false, count: rows)
        allRows.withUnsafeBufferPointer { gathered in
            for (n, id) in allIDs.enumerated() {
                let (target, source) = (table + Int(id) * width, gathered.baseAddress! + n * width)
                for k in 0..<width { target[k] += source[k] }
                touched[Int(id)] = true
            }
        }
        let scale = 1 / Float(communicator.size)
        for row in 0..<rows where touched[row] {
            let target = table + row * width
            for k in 0..<width { target[k] *= scale }
        }
        return 4 + 4 * ids.count * (width + 1)
    }
}
