import Foundation
import Tensor
import Testing
import Text
import Train

/// A pretend rank of a larger job whose peers hold exactly what this rank holds (so a sum is the
/// value times `size`), with rank 0's broadcast bytes and the other ranks' reduce inputs scripted.
final class MirrorCommunicator: Communicator {
    let rank: Int, size: Int
    var localSize: Int { size }
    var rootBytes: [UInt8]?
    /// Added to every Double all-reduce (the other ranks' contribution).
    var othersDouble: [Double]?
    private(set) var floatReductions = 0

    init(rank: Int, size: Int) { (self.rank, self.size) = (rank, size) }

    func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
        floatReductions += 1
        for i in values.indices { values[i] *= Float(size) }
    }
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) {
        for i in values.indices { values[i] += othersDouble?[i] ?? values[i] * Double(size - 1) }
    }
    func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int) {}
    func broadcast(bytes: [UInt8], root: Int) -> [UInt8] { rootBytes ?? bytes }
    func barrier() {}
    func finish() {}
}

@Suite struct CommunicatorTests {
    @Test func averagingRestoresEveryGradientThroughSmallBuckets() {
        let shapes = [[3, 4], [5], [1], [2, 7]]
        let parameters = shapes.map { Tensor(shape: $0, repeating: 0) }
        var expected: [[Float]] = []
        var next: Float = 1
        for p in parameters {
            p.grad = Tensor(shape: p.shape, repeating: 0)
            for i in 0..<p.count {
                p.grad?.pointer[i] = next
                next += 1
            }
            expected.append(Array(UnsafeBufferPointer(start: p.grad?.pointer, count: p.count)))
        }
        let world = MirrorCommunicator(rank: 0, size: 4)
        let averager = GradientAverager(parameters, communicator: world, bucketSize: 5)
        averager.average()
        for (p, want) in zip(parameters, expected) {
            #expect(Array(UnsafeBufferPointer(start: p.grad?.pointer, count: p.count)) == want)
        }
        // Whole parameters, last first, a bucket closing at 5 floats or more: [2, 7], [1] + [5], [3, 4].
        #expect(world.floatReductions == 3)
        #expect(averager.bytesPerStep == 4 * 32)
    }

    @Test func aMissingGradientIsAveragedAsZeros() {
        let p = Tensor(shape: [3], repeating: 1)
        GradientAverager([p], communicator: MirrorCommunicator(rank: 1, size: 2)).average()
        #expect(p.grad.map { Array(UnsafeBufferPointer(start: $0.pointer, count: 3)) } == [0, 0, 0])
    }

    @Test func columnSharesCoverTheBatchInRankOrder() {
        let shares = (0..<3).map { MirrorCommunicator(rank: $0, size: 3).share(of: 10) }
        #expect(shares == [0..<3, 3..<6, 6..<10])
        #expect(MirrorCommunicator(rank: 3, size: 4).share(of: 2) == 1..<2)
        #expect(MirrorCommunicator(rank: 2, size: 4).share(of: 2).isEmpty)
    }

    @Test func columnsOfAStreamAreTheGlobalColumns() {
        let stream = BatchedStream(Array(0..<24), batchSize: 4)
        let right = stream.columns(2..<4)
        #expect(right.batchSize == 2 && right.rows == 6)
        #expect(right.batch(at: 0, bptt: 2).input == [12, 18, 13, 19])
        #expect(stream.columns(0..<4).ids == stream.ids)
    }

    @Test func differingSettingsFailOnEveryRankWithOneLine() throws {
        let rootSettings = ["training.bptt": "35", "training.lr": "20"]
        let differing = MirrorCommunicator(rank: 1, size: 2)
        differing.rootBytes = Array(try JSONEncoder().encode(rootSettings))
        differing.othersDouble = [0]
        #expect(throws: DistributedError.self) { try differing.checkAgreement(["training.bptt": "30", "training.lr": "20"]) }
        do { try differing.checkAgreement(["training.bptt": "30", "training.lr": "20"]) } catch {
            #expect(
                error.description
                    == "rank 1: options differ from rank 0's: training.bptt 30 here but 35 on rank 0; start every rank with the same flags"
            )
        }
        let root = MirrorCommunicator(rank: 0, size: 2)
        root.othersDouble = [1]
        do {
            try root.checkAgreement(rootSettings)
            Issue.record("rank 0 did not fail")
        } catch {
            #expect(error.description.hasPrefix("rank 0: 1 of 2 ranks were started with options that differ"))
        }
        let agreeing = MirrorCommunicator(rank: 0, size: 2)
        agreeing.othersDouble = [0]
        try agreeing.checkAgreement(rootSettings)
    }

    @Test func rankSeedsDifferButRankZeroKeepsTheSeed() {
        #expect(Distributed.seed(1111, rank: 0) == 1111)
        #expect(Set((0..<8).map { Distributed.seed(1111, rank: $0) }).count == 8)
    }
}
