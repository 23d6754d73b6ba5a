import Foundation
import Synchronization

/// A small persistent pool for splitting large element-wise work across cores.
///
/// Workers spin briefly after each job and then sleep, so back-to-back kernels in a training step
/// start in well under a microsecond, while an idle process burns no CPU (DESIGN.md: Dispatch's
/// `concurrentPerform` costs 6–7 µs to start after idle).
final class ThreadPool: @unchecked Sendable {
    static let shared = ThreadPool(workerCount: max(0, coreBudget - 1))

    /// Cores this process may use: `PERPLEX_THREADS` when set (distributed training sets it to share
    /// a machine's cores between its ranks), else every active core.
    static var coreBudget: Int {
        if let value = ProcessInfo.processInfo.environment["PERPLEX_THREADS"].flatMap({ Int($0) }), value > 0 { return value }
        return ProcessInfo.processInfo.activeProcessorCount
    }

    let workerCount: Int
    private let generation = Atomic<Int>(0)
    /// Whether the current job still takes workers: cleared once the caller has run out of chunks.
    private let open = Atomic<Bool>(false)
    /// Workers that have joined a job and may be running one of its chunks.
    private let activeWorkers = Atomic<Int>(0)
    private let nextChunk = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let wake = NSCondition()
    private var chunkCount = 0
    private var job: ((Int) -> Void)?
    private let jobLock = NSLock()  // one job at a time, whatever thread submits it

    init(workerCount: Int) {
        self.workerCount = workerCount
        for _ in 0..<workerCount {
            let thread = Thread { [unowned self] in self.workerLoop() }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Calls `body(chunk)` for every chunk in `0..<chunks`, spread over the caller and the workers.
    func run(chunks: Int, _ body: (Int) -> Void) {
        // Busy (another thread's job, or a nested call from inside a chunk): run here, serially.
        guard workerCount > 0, chunks > 1, jobLock.try() else {
            for chunk in 0..<chunks { body(chunk) }
            return
        }
        defer { jobLock.unlock() }
        runHoldingLock(chunks: chunks, body)
    }

    private func runHoldingLock(chunks: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            job = body
            chunkCount = chunks
            nextChunk.store(0, ordering: .relaxed)
            open.store(true, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wake.lock()
                wake.broadcast()
                wake.unlock()
            }
            runChunks()
            // Every chunk is taken: wait only for the workers that joined (they may still be running
            // theirs), not for one that has not been scheduled yet. On a loaded machine a worker can
            // wait milliseconds for a time slice; the caller used to wait for it even after running
            // every chunk itself (a quarter of a small GPT's step went to that wait). A worker that
            // joins after `open` is cleared leaves without touching the job (both are sequentially
            // consistent, so it either is counted here or sees the job closed).
            open.store(false, ordering: .sequentiallyConsistent)
            while activeWorkers.load(ordering: .sequentiallyConsistent) > 0 { spinPause() }
            job = nil
        }
    }

    /// Calls `body(member, size)` on `size` threads at once — the caller and up to `maxSize - 1`
    /// workers — so that members may wait for one another (`TeamBarrier`). When the pool is busy
    /// (another thread's job, or a call from inside a chunk) the caller runs `body(0, 1)` alone.
    func runTeam(maxSize: Int, _ body: (_ member: Int, _ size: Int) -> Void) {
        let size = Swift.min(maxSize, workerCount + 1)
        guard size > 1, jobLock.try() else {
            body(0, 1)
            return
        }
        defer { jobLock.unlock() }
        // A member cannot finish before every member has reached its first barrier, so each chunk
        // is taken by a different thread; a body without barriers may run serially, harmlessly.
        runHoldingLock(chunks: size) { member in body(member, size) }
    }

    private func runChunks() {
        while true {
            let chunk = nextChunk.add(1, ordering: .relaxed).oldValue
            guard chunk < chunkCount else { return }
            job!(chunk)
        }
    }

    private func workerLoop() {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins < 2_000 {
                    spinPause()
                    continue
                }
                wake.lock()
                sleepers.add(1, ordering: .sequentiallyConsistent)
                while generation.load(ordering: .sequentiallyConsistent) == seen { wake.wait() }
                sleepers.subtract(1, ordering: .sequentiallyConsistent)
                wake.unlock()
            }
            seen = generation.load(ordering: .acquiring)
            activeWorkers.add(1, ordering: .sequentiallyConsistent)
            if open.load(ordering: .sequentiallyConsistent) { runChunks() }
            activeWorkers.subtract(1, ordering: .sequentiallyConsistent)
        }
    }

    @inline(__always) private func spinPause() {
        #if arch(x86_64) || arch(i386)
            _ = sched_yield()
        #endif
    }
}

extension Kernels {
    /// Splits `0..<count` into ranges of at least `grain` elements and runs them in parallel.
    @inline(__always)
    static func parallelFor(_ count: Int, grain: Int = 1 << 16, _ body: (Range<Int>) -> Void) {
        let pool = ThreadPool.shared
        guard count >= 2 * grain, pool.workerCount > 0 else {
            body(0..<count)
            return
        }
        let chunks = min(count / grain, 4 * (pool.workerCount + 1))
        let size = (count + chunks - 1) / chunks
        // Keep chunk starts on a SIMD boundary.
        let aligned = (size + 7) & ~7
        pool.run(chunks: (count + aligned - 1) / aligned) { chunk in
            body(chunk * aligned..<min(count, (chunk + 1) * aligned))
        }
    }
}
