import Foundation

/// Seeded pseudo-random numbers (xoshiro256**, seeded through SplitMix64): the same seed gives the
/// same stream on every run and platform.
public final class RandomGenerator: RandomNumberGenerator {
    private var s: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var spareNormal: Double?

    /// The generator used when none is passed; reseed it with `seed(_:)`.
    public nonisolated(unsafe) static let global = RandomGenerator(seed: 0)

    public init(seed: UInt64) { self.seed(seed) }

    /// Restarts the stream from `seed`.
    public func seed(_ seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
        spareNormal = nil
    }

    public func next() -> UInt64 { Self.step(&s) }

    /// Everything the stream depends on, to save beside a checkpoint so that a resumed run draws
    /// the numbers the uninterrupted run would have drawn. The words are hexadecimal strings: JSON
    /// readers may pass numbers through Double, which cannot hold 64 bits.
    public struct State: Codable, Equatable, Sendable {
        public var words: [String]
        /// The second normal of the last Box–Muller pair, not yet used.
        public var spareNormal: Double?
    }

    /// The generator's state.
    public var state: State {
        State(words: [s.0, s.1, s.2, s.3].map { String($0, radix: 16) }, spareNormal: spareNormal)
    }

    /// Continues the stream from `state`; false (and nothing changed) when it is not a valid state
    /// (four hexadecimal words, not all zero).
    @discardableResult
    public func restore(_ state: State) -> Bool {
        let words = state.words.compactMap { UInt64($0, radix: 16) }
        guard state.words.count == 4, words.count == 4, words.contains(where: { $0 != 0 }) else { return false }
        s = (words[0], words[1], words[2], words[3])
        spareNormal = state.spareNormal
        return true
    }

    /// One xoshiro256** step: the next output, and the state advanced.
    @inline(__always)
    private static func step(_ s: inout (UInt64, UInt64, UInt64, UInt64)) -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 << 45 | s.3 >> 19
        return result
    }

    /// Uniform in [0, 1) with 24 random bits.
    @inline(__always)
    public func nextFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Writes `value` with probability `p`, else 0, to each of `count` floats: a dropout or
    /// Bernoulli mask, the same numbers as `nextFloat() < p ? value : 0` element by element, drawn
    /// with the state in registers instead of through the object.
    public func fillMask(_ mask: UnsafeMutablePointer<Float>, count: Int, p: Float, value: Float) {
        var state = s
        for i in 0..<count { mask[i] = Float(Self.step(&state) >> 40) * 0x1p-24 < p ? value : 0 }
        s = state
    }

    /// A Bernoulli mask as bits: bit i of `words[i / 64]` is set (element i kept) with
    /// probability `p`. A dropout mask in a 32nd of a Float mask's memory.
    ///
    /// Masks are large (a GPT's attention draws one per score) and one draw after another took
    /// longer than the products they mask, so the elements go in blocks of `keepBitsBlock`, each
    /// with its own xoshiro256** stream seeded from one draw of this generator and the block's
    /// number, blocks spread over the cores. Each 64-bit output decides two elements (its top
    /// and middle 24 bits, each as `nextFloat` reads its top 24). The mask depends on the seed
    /// alone, not on the thread count, and the generator moves on by one draw.
    public func fillKeepBits(_ words: UnsafeMutablePointer<UInt64>, count: Int, p: Float) {
        let base = next()
        // u·2⁻²⁴ < p, for the integer u < 2²⁴, is u < ⌈p·2²⁴⌉ (exact in Double).
        let threshold = UInt64(Swift.max(0, Swift.min(16_777_216, (Double(p) * 16_777_216).rounded(.up))))
        let blocks = (count + Self.keepBitsBlock - 1) / Self.keepBitsBlock
        let chunks = Swift.min(blocks, Parallel.threadCount)
        Parallel.forEach(chunks: chunks, serial: chunks < 2) { chunk in
            for block in Parallel.range(of: chunk, chunks: chunks, count: blocks) {
                let stream = RandomGenerator(seed: base ^ (UInt64(block) &* 0x9E37_79B9_7F4A_7C15))
                var state = stream.s
                let first = block * Self.keepBitsBlock
                let end = Swift.min(count, first + Self.keepBitsBlock)
                for w in stride(from: first / 64, to: (end + 63) / 64, by: 1) {
                    var word: UInt64 = 0
                    for pair in 0..<32 {
                        let draw = Self.step(&state)
                        let high = UInt64((draw >> 40) < threshold ? 1 : 0)
                        let middle = UInt64((draw >> 16) & 0xFF_FFFF < threshold ? 1 : 0)
                        word |= (high | middle << 1) << UInt64(2 * pair)
                    }
                    // Bits past the last element stay clear.
                    let used = Swift.min(64, end - w * 64)
                    words[w] = used == 64 ? word : word & ((1 << UInt64(used)) - 1)
                }
            }
        }
    }

    /// Elements per stream of `fillKeepBits` (a multiple of 64, so blocks own whole words).
    static let keepBitsBlock = 1 << 16

    /// Standard normal (Box–Muller in Double; the second value of each pair is kept for next time).
    public func nextNormal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        var u1 = 0.0
        repeat { u1 = Double(next() >> 11) * 0x1p-53 } while u1 == 0
        let u2 = Double(next() >> 11) * 0x1p-53
        let radius = (-2 * Foundation.log(u1)).squareRoot()
        spareNormal = radius * Foundation.sin(2 * .pi * u2)
        return radius * Foundation.cos(2 * .pi * u2)
    }
}

extension Tensor {
    /// Uniform samples in [low, high).
    public static func uniform(
        _ shape: [Int], low: Float = 0, high: Float = 1,
        generator: RandomGenerator = .global, requiresGrad: Bool = false
    ) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        for i in 0..<t.count { t.pointer[i] = low + (high - low) * generator.nextFloat() }
        t.requiresGrad = requiresGrad
        return t
    }

    /// Normal samples with the given mean and standard deviation.
    public static func normal(
        _ shape: [Int], mean: Float = 0, std: Float = 1,
        generator: RandomGenerator = .global, requiresGrad: Bool = false
    ) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        for i in 0..<t.count { t.pointer[i] = mean + std * Float(generator.nextNormal()) }
        t.requiresGrad = requiresGrad
        return t
    }

    /// 1 with probability `p`, else 0.
    public static func bernoulli(_ shape: [Int], p: Float, generator: RandomGenerator = .global) -> Tensor {
        precondition(p >= 0 && p <= 1, "bernoulli: probability \(p) outside [0, 1]")
        let t = Tensor(uninitializedShape: shape)
        generator.fillMask(t.pointer, count: t.count, p: p, value: 1)
        return t
    }
}
