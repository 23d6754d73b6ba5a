/// The collective operations data-parallel training needs, over the processes ("ranks") of one
/// job. Every rank must make the same calls in the same order with the same counts: a collective
/// returns only when all ranks have entered it.
///
/// `SingleProcess` is the one-rank world (every operation a no-op); `MPICommunicator` (in builds
/// with `PERPLEX_MPI=1`) runs over MPI's `MPI_COMM_WORLD`. `Distributed.world()` picks one.
public protocol Communicator: AnyObject {
    /// This process's index, 0..<size; rank 0 writes files and prints.
    var rank: Int { get }
    /// Number of processes in the job.
    var size: Int { get }
    /// Ranks started on this machine (to share its cores between them).
    var localSize: Int { get }
    /// Replaces `values` on every rank by their element-wise sum over all ranks.
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>)
    /// Replaces `values` on every rank by their element-wise sum over all ranks.
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>)
    /// Copies rank `root`'s `values` to every rank.
    func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int)
    /// Rank `root`'s bytes, on every rank (the others' `bytes` are ignored).
    func broadcast(bytes: [UInt8], root: Int) -> [UInt8]
    /// Every rank's `values` one after another in rank order, on every rank: `counts[r]` is rank
    /// r's number of values (this rank's is `values.count`) and `result` holds their sum.
    func allGather(_ values: UnsafeBufferPointer<Float>, counts: [Int], into result: UnsafeMutableBufferPointer<Float>)
    /// Every rank's `values` one after another in rank order, as the `Float` form.
    func allGather(_ values: UnsafeBufferPointer<Int32>, counts: [Int], into result: UnsafeMutableBufferPointer<Int32>)
    /// Whether collectives may be called from a thread other than the one that created the
    /// communicator (one thread at a time), as `GradientAverager`'s communication thread does.
    var allowsCommunicationThread: Bool { get }
    /// Returns when every rank has called it (for timing collectives apart from waiting).
    func barrier()
    /// Ends the job's use of the communicator (MPI_Finalize); call once, on the normal way out.
    func finish()
}

extension Communicator {
    /// True on the rank that prints and writes the run folder.
    public var isRoot: Bool { rank == 0 }

    /// The sums over all ranks of `values`.
    public func allReduceSum(_ values: [Double]) -> [Double] {
        var result = values
        result.withUnsafeMutableBufferPointer { allReduceSum($0) }
        return result
    }

    /// True on every rank when `flag` is true on any rank (so all ranks take the same branch).
    public func any(_ flag: Bool) -> Bool { size == 1 ? flag : allReduceSum([flag ? 1 : 0])[0] > 0 }
}

extension Communicator {
    /// Any thread may call a communicator that does not say otherwise.
    public var allowsCommunicationThread: Bool { true }

    /// All-gather from `allReduceSum`: each rank's values at its offset, zeros elsewhere (x + 0 is
    /// x exactly). For communicators without a gather of their own.
    public func allGather(
        _ values: UnsafeBufferPointer<Float>, counts: [Int], into result: UnsafeMutableBufferPointer<Float>
    ) {
        let offset = counts.prefix(rank).reduce(0, +)
        precondition(counts.count == size && counts[rank] == values.count && result.count == counts.reduce(0, +))
        guard let base = result.baseAddress else { return }
        base.update(repeating: 0, count: result.count)
        if let source = values.baseAddress { (base + offset).update(from: source, count: values.count) }
        allReduceSum(result)
    }

    /// All-gather of 32-bit integers from the Double `allReduceSum` (exact below 2⁵³).
    public func allGather(
        _ values: UnsafeBufferPointer<Int32>, counts: [Int], into result: UnsafeMutableBufferPointer<Int32>
    ) {
        let offset = counts.prefix(rank).reduce(0, +)
        precondition(counts.count == size && counts[rank] == values.count && result.count == counts.reduce(0, +))
        var wide = [Double](repeating: 0, count: result.count)
        for (i, value) in values.enumerated() { wide[offset + i] = Double(value) }
        wide.withUnsafeMutableBufferPointer { allReduceSum($0) }
        for i in result.indices { result[i] = Int32(wide[i]) }
    }

    /// One integer from every rank, in rank order.
    public func allGather(_ value: Int32) -> [Int32] {
        guard size > 1 else { return [value] }
        var result = [Int32](repeating: 0, count: size)
        withUnsafePointer(to: value) { mine in
            result.withUnsafeMutableBufferPointer {
                allGather(UnsafeBufferPointer(start: mine, count: 1), counts: Array(repeating: 1, count: size), into: $0)
            }
        }
        return result
    }
}
