import Tensor
import Testing

@Suite struct RandomTests {
    @Test func sameSeedSameNumbers() {
        let a = RandomGenerator(seed: 123)
        let b = RandomGenerator(seed: 123)
        #expect(Tensor.normal([100], generator: a).scalars == Tensor.normal([100], generator: b).scalars)
        #expect(Tensor.uniform([100], generator: a).scalars == Tensor.uniform([100], generator: b).scalars)
        #expect(RandomGenerator(seed: 1).next() != RandomGenerator(seed: 2).next())
    }

    /// Pins the stream itself, so a change of generator cannot pass unnoticed.
    @Test func streamIsStable() {
        let rng = RandomGenerator(seed: 0)
        let first = (0..<3).map { _ in rng.next() }
        rng.seed(0)
        #expect((0..<3).map { _ in rng.next() } == first)
        #expect(first == Self.expectedFirstOutputs)
    }
    static let expectedFirstOutputs: [UInt64] = [
        11_091_344_671_253_066_420, 13_793_997_310_169_335_082, 1_900_383_378_846_508_768
    ]

    /// The mask filler draws the numbers `nextFloat()` would, and leaves the stream where they would.
    @Test func fillMaskMatchesNextFloat() {
        let a = RandomGenerator(seed: 5)
        let b = RandomGenerator(seed: 5)
        let mask = UnsafeMutablePointer<Float>.allocate(capacity: 1000)
        defer { mask.deallocate() }
        a.fillMask(mask, count: 1000, p: 0.7, value: 2.5)
        let expected = (0..<1000).map { _ in b.nextFloat() < 0.7 ? Float(2.5) : 0 }
        #expect(Array(UnsafeBufferPointer(start: mask, count: 1000)) == expected)
        #expect(a.next() == b.next())
    }

    /// Bit masks: a kept share near p in every block (the two elements of one draw independent),
    /// the same seed the same bits, the bits past the end clear, and the generator one draw on.
    @Test func keepBitsHaveTheirShareAndMoveTheStreamByOneDraw() {
        let count = 300_001  // several blocks and a partial word
        let words = (count + 63) / 64
        func mask(_ seed: UInt64, p: Float) -> ([UInt64], UInt64) {
            let rng = RandomGenerator(seed: seed)
            let bits = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
            defer { bits.deallocate() }
            rng.fillKeepBits(bits, count: count, p: p)
            return (Array(UnsafeBufferPointer(start: bits, count: words)), rng.next())
        }
        let (a, after) = mask(7, p: 0.8)
        #expect(mask(7, p: 0.8).0 == a)
        let reference = RandomGenerator(seed: 7)
        _ = reference.next()
        #expect(after == reference.next())
        #expect(a[words - 1] >> UInt64(count % 64) == 0)
        let kept = a.reduce(0) { $0 + $1.nonzeroBitCount }
        #expect(abs(Double(kept) / Double(count) - 0.8) < 0.005)
        // Neighbours share a draw: both kept as often as independence says (0.64).
        let pairs = a.reduce(0) { $0 + ($1 & ($1 >> 1) & 0x5555_5555_5555_5555).nonzeroBitCount }
        #expect(abs(Double(pairs) / Double(count / 2) - 0.64) < 0.01)
        #expect(mask(7, p: 0).0.allSatisfy { $0 == 0 })
        #expect(mask(7, p: 1).0.dropLast().allSatisfy { $0 == .max })
    }

    @Test func distributionsHaveTheirMoments() {
        let rng = RandomGenerator(seed: 9)
        let n = 200_000
        let u = Tensor.uniform([n], low: -1, high: 3, generator: rng)
        #expect(abs(u.mean().item - 1) < 0.02)
        #expect(u.scalars.allSatisfy { $0 >= -1 && $0 < 3 })
        let z = Tensor.normal([n], mean: 2, std: 0.5, generator: rng)
        let mean = z.mean().item
        let variance = ((z - mean) * (z - mean)).mean().item
        #expect(abs(mean - 2) < 0.01 && abs(variance - 0.25) < 0.01)
        let b = Tensor.bernoulli([n], p: 0.3, generator: rng)
        #expect(abs(b.mean().item - 0.3) < 0.01)
        #expect(b.scalars.allSatisfy { $0 == 0 || $0 == 1 })
    }

    @Test func dropoutKeepsTheExpectation() {
        let x = Tensor.ones([100_000])
        let y = x.dropout(p: 0.25, generator: RandomGenerator(seed: 5))
        #expect(abs(y.mean().item - 1) < 0.02)
        #expect(Set(y.scalars) == [0, Float(1) / 0.75])
        #expect(x.dropout(p: 0.25, training: false) === x)
    }
}
