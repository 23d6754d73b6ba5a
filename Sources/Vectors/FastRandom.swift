import Text

/// A small per-thread generator (xoshiro256+ seeded through SplitMix64) for the training loop: a
/// value type, so each worker keeps its state in registers and no call goes through a class.
struct FastRandom {
    private var s0, s1, s2, s3: UInt64

    /// Stream `stream` of `seed`: workers with the same seed and different streams do not overlap
    /// in practice.
    init(seed: UInt64, stream: UInt64 = 0) {
        var seeds = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        (s0, s1, s2, s3) = (seeds.next(), seeds.next(), seeds.next(), seeds.next())
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = s0 &+ s3
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1) with 24 random bits.
    @inline(__always)
    mutating func nextFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform in `0..<bound` (multiply-shift on the high 32 bits; bias below 2⁻³² × bound).
    @inline(__always)
    mutating func next(below bound: Int) -> Int {
        Int(truncatingIfNeeded: ((next() >> 32) &* UInt64(truncatingIfNeeded: bound)) >> 32)
    }
}
