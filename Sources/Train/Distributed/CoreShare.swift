import Foundation
import Tensor

extension Distributed {
    /// Gives this process its share of the machine's cores when `ranks` processes train on it:
    /// BLAS threads and the element-wise thread pool use cores / ranks (at least one), unless the
    /// user chose with `PERPLEX_THREADS`. Call before the first kernel runs (the pool starts once).
    public static func shareCores(among ranks: Int) {
        guard ranks > 1 else { return }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let share = ProcessInfo.processInfo.environment["PERPLEX_THREADS"].flatMap { Int($0) } ?? Swift.max(1, cores / ranks)
        setenv("PERPLEX_THREADS", "\(share)", 1)
        BLAS.maxThreads = Swift.max(1, share)
    }

    /// The random seed of rank `rank` for what differs between ranks (dropout masks): rank 0 keeps
    /// `seed`, so one rank draws what a single process draws; the others get distinct streams that
    /// depend only on the seed and the rank, so a run is reproducible for a given rank count.
    public static func seed(_ seed: UInt64, rank: Int) -> UInt64 {
        seed &+ UInt64(rank) &* 0x9E37_79B9_7F4A_7C15
    }
}
