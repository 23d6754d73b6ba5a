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
