/// Where tensors are computed. This build computes on the CPU only (BLAS and the thread pool);
/// `best` is what a caller asking for "the best device available" (the recipe's `--accel`) gets.
public enum ComputeDevice: Equatable, Sendable, CustomStringConvertible {
    /// The CPU, with this many threads for element-wise work (the caller and the pool's workers).
    case cpu(threads: Int)

    /// The best device this build can use: the CPU, as this build has no accelerator back end.
    public static var best: ComputeDevice { .cpu(threads: Parallel.threadCount) }

    /// Whether this build can compute on an accelerator (a GPU); false: the CPU only.
    public static let acceleratorAvailable = false

    public var description: String {
        switch self {
        case .cpu(let threads): "the CPU (\(threads) thread\(threads == 1 ? "" : "s"))"
        }
    }
}
