import Foundation
import Train

/// A job of `size` ranks inside one process, one thread each: the collectives meet at a shared
/// rendezvous, and a sum adds the ranks' values in rank order (so the result is known exactly).
final class ThreadWorld: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var arrived = 0
    private var generation = 0
    private var slots: [UnsafeRawPointer?]

    init(size: Int) {
        self.size = size
        slots = Array(repeating: nil, count: size)
    }

    /// The communicator of rank `rank`.
    func rank(_ rank: Int) -> Rank { Rank(world: self, rank: rank) }

    /// Runs `body(rank)` on `size` threads and returns when all are done.
    func run(_ body: @escaping @Sendable (Rank) -> Void) {
        let group = DispatchGroup()
        for r in 0..<size {
            let thread = Thread { [self] in
                body(rank(r))
                group.leave()
            }
            group.enter()
            thread.start()
        }
        group.wait()
    }

    /// Every rank posts `mine`; `read` sees all ranks' posts; no rank leaves before all have read.
    fileprivate func meet(_ rank: Int, _ mine: UnsafeRawPointer?, _ read: ([UnsafeRawPointer?]) -> Void) {
        slots[rank] = mine
        wait()
        read(slots)
        wait()
    }

    private func wait() {
        condition.lock()
        let mine = generation
        arrived += 1
        if arrived == size {
            (arrived, generation) = (0, generation + 1)
            condition.broadcast()
        } else {
            while generation == mine { condition.wait() }
        }
        condition.unlock()
    }

    final class Rank: Communicator {
        let world: ThreadWorld
        let rank: Int
        var size: Int { world.size }
        var localSize: Int { world.size }
        private(set) var collectives = 0

        init(world: ThreadWorld, rank: Int) { (self.world, self.rank) = (world, rank) }

        func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) { sum(values) }
        func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) { sum(values) }

        private func sum<T: FloatingPoint>(_ values: UnsafeMutableBufferPointer<T>) {
            collectives += 1
            var total = [T](repeating: 0, count: values.count)
            world.meet(rank, UnsafeRawPointer(values.baseAddress)) { slots in
                for slot in slots {
                    let other = slot!.assumingMemoryBound(to: T.self)
                    for i in total.indices { total[i] += other[i] }
                }
            }
            for i in values.indices { values[i] = total[i] }
        }

        func allGather(_ values: UnsafeBufferPointer<Float>, counts: [Int], into result: UnsafeMutableBufferPointer<Float>) {
            gather(values, counts, result)
        }
        func allGather(_ values: UnsafeBufferPointer<Int32>, counts: [Int], into result: UnsafeMutableBufferPointer<Int32>) {
            gather(values, counts, result)
        }

        private func gather<T>(_ values: UnsafeBufferPointer<T>, _ counts: [Int], _ result: UnsafeMutableBufferPointer<T>) {
            collectives += 1
            precondition(counts[rank] == values.count && result.count == counts.reduce(0, +))
            world.meet(rank, UnsafeRawPointer(values.baseAddress)) { slots in
                var at = 0
                for (r, slot) in slots.enumerated() {
                    if counts[r] > 0 {
                        (result.baseAddress! + at).update(from: slot!.assumingMemoryBound(to: T.self), count: counts[r])
                    }
                    at += counts[r]
                }
            }
        }

        func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int) {
            collectives += 1
            var copy = [Float](repeating: 0, count: values.count)
            world.meet(rank, UnsafeRawPointer(values.baseAddress)) { slots in
                let source = slots[root]!.assumingMemoryBound(to: Float.self)
                for i in copy.indices { copy[i] = source[i] }
            }
            for i in values.indices { values[i] = copy[i] }
        }

        func broadcast(bytes: [UInt8], root: Int) -> [UInt8] { fatalError("not used") }
        func barrier() { world.meet(rank, nil) { _ in } }
        func finish() {}
    }
}
