/// A `rows × dimension` Float matrix shared by the training threads (Hogwild: they update rows
/// without locks, as fastText and word2vec do). Rows are 64-byte aligned and padded to a multiple
/// of 8 floats with zeros, so kernels run whole SIMD8 vectors.
final class EmbeddingMatrix: @unchecked Sendable {
    let rows: Int
    let dimension: Int
    /// Floats from one row to the next.
    let stride: Int
    let base: UnsafeMutablePointer<Float>

    /// A zero matrix.
    init(rows: Int, dimension: Int) {
        (self.rows, self.dimension) = (rows, dimension)
        stride = (dimension + 7) / 8 * 8
        let bytes = max(1, rows * stride) * MemoryLayout<Float>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        base = raw.bindMemory(to: Float.self, capacity: max(1, rows * stride))
    }

    deinit { base.deallocate() }

    /// SIMD8 vectors per row.
    var chunks: Int { stride / 8 }

    @inline(__always)
    func row(_ i: Int) -> UnsafeMutablePointer<Float> { base + i * stride }

    /// Fills the real (unpadded) entries with uniform values in [−bound, bound).
    func fillUniform(bound: Float, seed: UInt64) {
        var random = FastRandom(seed: seed, stream: 0x5EED)
        for r in 0..<rows {
            let p = row(r)
            for c in 0..<dimension { p[c] = bound * (2 * random.nextFloat() - 1) }
        }
    }
}
