import Foundation
import Tensor
import Testing

/// The thread pool behind `Parallel.forEach`: the caller waits only for the workers that joined a
/// job, so these check that every chunk still runs exactly once and that its writes are visible
/// when `forEach` returns, over many jobs back to back (where a late worker meets the next job).
@Suite struct ParallelTests {
    @Test func everyChunkRunsOnceAndIsDoneOnReturn() {
        let slots = 64
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: slots)
        defer { counts.deallocate() }
        for job in 0..<20_000 {
            let chunks = 1 + job % slots
            counts.update(repeating: 0, count: chunks)
            Parallel.forEach(chunks: chunks) { chunk in counts[chunk] += 1 }
            let done = (0..<chunks).allSatisfy { counts[$0] == 1 }
            #expect(done, "job \(job): a chunk of \(chunks) ran \((0..<chunks).map { counts[$0] }) times")
            if !done { return }
        }
    }

    @Test func longAndShortChunksMix() {
        // Some chunks take long enough for a worker to join mid-job; their sums must all be in.
        let chunks = 8
        var sums = [Double](repeating: 0, count: chunks)
        for job in 0..<500 {
            sums.withUnsafeMutableBufferPointer { sums in
                Parallel.forEach(chunks: chunks) { chunk in
                    let n = chunk == job % chunks ? 20_000 : 10
                    sums[chunk] = (0..<n).reduce(0.0) { $0 + Double($1 % 7) }
                }
            }
            for chunk in 0..<chunks {
                let n = chunk == job % chunks ? 20_000 : 10
                #expect(sums[chunk] == (0..<n).reduce(0.0) { $0 + Double($1 % 7) })
            }
        }
    }
}
