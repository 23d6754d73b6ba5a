import Foundation
import Tensor
import Testing
import Train

/// `GradientAverager` across the ranks of a `ThreadWorld`: with and without overlap and sparse
/// embedding rows, every rank ends with the same gradients, and they are exactly the rank-order
/// sums scaled by 1/size (what the dense all-reduce gives).
@Suite struct GradientExchangeTests {
    static let (rows, width) = (40, 3)

    /// Rank `rank`'s gradients of [embedding [40, 3], weight [3, 5], bias [5]]: the embedding's
    /// rows `touched` (rank-dependent), the rest everywhere, values that differ per rank.
    static func gradients(rank: Int, touched: (Int) -> [Int]) -> [[Float]] {
        var embedding = [Float](repeating: 0, count: rows * width)
        for row in touched(rank) {
            for k in 0..<width { embedding[row * width + k] = sin(Float(rank * 131 + row * 7 + k)) / 3 }
        }
        let weight = (0..<15).map { cos(Float(rank * 17 + $0)) * 0.7 }
        let bias = (0..<5).map { Float(rank + 1) * 0.1 + Float($0) * 0.3 }
        return [embedding, weight, bias]
    }

    static func fewRows(_ rank: Int) -> [Int] { Array(rank * 2..<rank * 2 + 3) }
    static func allRows(_ rank: Int) -> [Int] { Array(0..<rows) }

    /// The expected mean: each element summed from zero in rank order, times 1/size.
    static func expected(size: Int, touched: @escaping (Int) -> [Int]) -> [[Float]] {
        let all = (0..<size).map { gradients(rank: $0, touched: touched) }
        let scale = 1 / Float(size)
        return all[0].indices.map { p in
            all[0][p].indices.map { i in
                var sum: Float = 0
                for r in 0..<size { sum += all[r][p][i] }
                return sum * scale
            }
        }
    }

    struct Outcome: Sendable {
        var gradients: [[Float]]
        var sparseSteps: Int
        var bytes: Int
    }

    /// Each rank sets its gradients, reports them done last parameter first (as backward does)
    /// when overlapping, and averages; `steps` times over. Returns every rank's last outcome.
    static func exchange(
        size: Int, overlap: Bool, sparse: Bool, bucketSize: Int = 16, steps: Int = 1, touched: @escaping @Sendable (Int) -> [Int]
    ) -> [Outcome] {
        let world = ThreadWorld(size: size)
        let lock = NSLock()
        nonisolated(unsafe) var outcomes = [Outcome?](repeating: nil, count: size)
        world.run { communicator in
            let shapes = [[rows, width], [3, 5], [5]]
            let parameters = shapes.map { Tensor(shape: $0, repeating: 0, requiresGrad: true) }
            let averager = GradientAverager(
                parameters, communicator: communicator, bucketSize: bucketSize, sparseRows: sparse ? [parameters[0]] : [],
                overlap: overlap)
            for _ in 0..<steps {
                for (p, values) in zip(parameters, gradients(rank: communicator.rank, touched: touched)) {
                    p.grad = Tensor(shape: p.shape, values)
                }
                if overlap {
                    for p in parameters.reversed() {
                        averager.parameterDone(p)
                        usleep(200)  // backward going on while the bucket travels
                    }
                }
                averager.average()
            }
            let outcome = Outcome(
                gradients: parameters.map { $0.grad?.scalars ?? [] }, sparseSteps: averager.sparseSteps,
                bytes: averager.lastStepBytes)
            lock.lock()
            outcomes[communicator.rank] = outcome
            lock.unlock()
        }
        return outcomes.map { $0! }
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func everyWayGivesTheRankOrderMeanOnEveryRank(overlap: Bool, sparse: Bool) {
        for size in [2, 3] {
            let want = Self.expected(size: size, touched: Self.fewRows)
            let outcomes = Self.exchange(size: size, overlap: overlap, sparse: sparse, steps: 2, touched: Self.fewRows)
            for outcome in outcomes {
                #expect(outcome.gradients.map { $0.map(\.bitPattern) } == want.map { $0.map(\.bitPattern) })
                #expect(outcome.sparseSteps == (sparse ? 2 : 0))
            }
        }
    }

    @Test func sparseRowsSendLessAndGiveWayToTheDenseTableWhenLarger() {
        let dense = Self.exchange(size: 2, overlap: true, sparse: false, touched: Self.fewRows)[0]
        let sparse = Self.exchange(size: 2, overlap: true, sparse: true, touched: Self.fewRows)[0]
        // The table is 120 floats; three rows and their ids are 12, plus the count.
        #expect(dense.bytes == 4 * (120 + 15 + 5))
        #expect(sparse.bytes == 4 * (15 + 5) + 4 + 4 * 3 * (3 + 1))
        let everyRow = Self.exchange(size: 2, overlap: true, sparse: true, touched: Self.allRows)
        let want = Self.expected(size: 2, touched: Self.allRows)
        for outcome in everyRow {
            #expect(outcome.sparseSteps == 0 && outcome.bytes == dense.bytes)
            #expect(outcome.gradients == want)
        }
    }

    @Test func bucketsHoldWholeParametersLastFirst() {
        let buckets = GradientBuckets(sizes: [10, 3, 3, 8, 1], alone: [true, false, false, false, false], bucketSize: 5)
        #expect(buckets.members == [[4, 3], [2, 1], [0]])
        #expect(buckets.bucket == [2, 1, 1, 0, 0])
        let one = GradientBuckets(sizes: [2, 2], alone: [false, false], bucketSize: 100)
        #expect(one.members == [[1, 0]])
        let split = GradientBuckets(sizes: [4, 1, 4], alone: [false, true, false], bucketSize: 100)
        #expect(split.members == [[2], [1], [0]])
    }

    @Test func aParameterBackwardNeverReportedIsAveragedAsZeros() {
        let world = ThreadWorld(size: 2)
        let lock = NSLock()
        nonisolated(unsafe) var seen: [[Float]] = []
        world.run { communicator in
            let (a, b) = (
                Tensor(shape: [2], repeating: 0, requiresGrad: true), Tensor(shape: [3], repeating: 0, requiresGrad: true)
            )
            a.grad = Tensor(shape: [2], [1, Float(communicator.rank)])
            let averager = GradientAverager([a, b], communicator: communicator, bucketSize: 1, overlap: true)
            averager.parameterDone(a)
            averager.average()
            lock.lock()
            seen.append((a.grad?.scalars ?? []) + (b.grad?.scalars ?? []))
            lock.unlock()
        }
        #expect(seen == [[1, 0.5, 0, 0, 0], [1, 0.5, 0, 0, 0]])
    }
}
