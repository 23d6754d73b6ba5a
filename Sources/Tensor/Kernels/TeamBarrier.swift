import Foundation
import Synchronization

/// A reusable barrier for the members of one `ThreadPool.runTeam` job: `wait(size:)` returns once
/// all `size` members have called it, as often as needed. Members spin (a step of the fused LSTM takes
/// tens of microseconds, far less than a sleep and wake-up) and yield the core only after a long
/// wait, when the machine has likely descheduled a member.
final class TeamBarrier: @unchecked Sendable {
    private let arrived = Atomic<Int>(0)
    private let generation = Atomic<Int>(0)

    func wait(size: Int) {
        guard size > 1 else { return }
        let current = generation.load(ordering: .acquiring)
        if arrived.add(1, ordering: .acquiringAndReleasing).newValue == size {
            arrived.store(0, ordering: .relaxed)
            generation.store(current + 1, ordering: .releasing)
            return
        }
        var spins = 0
        while generation.load(ordering: .acquiring) == current {
            spins += 1
            if spins > 20_000 { _ = sched_yield() }
        }
    }
}
