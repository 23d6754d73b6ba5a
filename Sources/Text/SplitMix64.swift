/// SplitMix64 (Steele, Lea and Flood 2014): a tiny seeded generator, the same stream on every
/// platform. Text's shuffles and built-in corpus use it directly; other generators seed from it.
public struct SplitMix64 {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// In `0..<bound` by the remainder (bias below bound / 2⁶⁴).
    public mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
