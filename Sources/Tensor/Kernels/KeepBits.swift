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

    /// out[i] = x[i] · scale where element `start + i` is kept, else 0, for i in 0..<n; `out`
    /// may be `x`.
    @inline(__always)
    func apply(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, start: Int, count n: Int, scale: Float) {
        func one(_ i: Int) {
            let e = start + i
            out[i] = (words[e >> 6] >> UInt64(e & 63)) & 1 == 1 ? x[i] * scale : 0
        }
        var i = 0
        while i < n && (start + i) & 7 != 0 {
            one(i)
            i += 1
        }
        // A byte of the mask for eight lanes (bit e of the words is bit e % 8 of byte e / 8 on
        // the little-endian machines Swift runs on), spread to lane masks by shifts and a
        // subtraction: a `SIMDMask` with `replacing` compiled to one lane at a time through the
        // stack, most of a Transformer step's dropout.
        let bytes = UnsafeRawPointer(words).assumingMemoryBound(to: UInt8.self)
        let shifts = SIMD8<UInt32>(0, 1, 2, 3, 4, 5, 6, 7)
        while i + 8 <= n {
            let bit = (SIMD8<UInt32>(repeating: UInt32(bytes[(start + i) >> 3])) &>> shifts) & 1
            let scaled = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) * scale
            let kept = unsafeBitCast(scaled, to: SIMD8<UInt32>.self) & (SIMD8<UInt32>(repeating: 0) &- bit)
            UnsafeMutableRawPointer(out + i).storeBytes(of: kept, as: SIMD8<UInt32>.self)
            i += 8
        }
        while i < n {
            one(i)
            i += 1
        }
    }
}
