/// A dropout mask kept as one bit per element (`RandomGenerator.fillKeepBits`): what a backward
/// pass needs of it, in a 32nd of the memory of the Float mask it stands for (kept elements are
/// scaled by 1/(1 − p), dropped ones are 0).
final class KeepBits: @unchecked Sendable {
    let count: Int
    let words: UnsafeMutablePointer<UInt64>

    /// Draws the mask of `count` elements, each kept with probability `keep`.
    init(count: Int, keep: Float, generator: RandomGenerator) {
        self.count = count
        words = .allocate(capacity: Swift.max(1, (count + 63) / 64))
        generator.fillKeepBits(words, count: count, p: keep)
    }

    deinit { words.deallocate() }

    /// out[i] = x[i] · scale where element `start + i` is kept, else 0, for i in 0..<n.
    @inline(__always)
    func apply(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, start: Int, count n: Int, scale: Float) {
        for i in 0..<n {
            let e = start + i
            out[i] = (words[e >> 6] >> UInt64(e & 63)) & 1 == 1 ? x[i] * scale : 0
        }
    }
}
