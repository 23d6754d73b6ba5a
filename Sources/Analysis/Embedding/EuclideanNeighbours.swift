import Tensor

/// The `k` nearest other rows of every row of a [n, d] matrix by Euclidean distance, exactly.
///
/// Squared distances come from one BLAS product per block of rows, ‖a − b‖² = ‖a‖² + ‖b‖² − 2a·b;
/// the `k` smallest of each row are selected in parallel, then their distances are recomputed in
/// Double from the vectors (the product's cancellation error would otherwise reach the perplexity
/// search) and sorted, nearest first. O(n²d) work: fine for the thousands of words one plots.
public struct EuclideanNeighbours: Sendable {
    /// Neighbours per row.
    public let k: Int
    /// Row-major [n, k] indices of each row's neighbours, nearest first.
    public let indices: [Int32]
    /// Row-major [n, k] squared distances matching `indices`.
    public let squaredDistances: [Double]

    /// Finds the `k` (1 ≤ k < n) nearest other rows of every row of `data`.
    public init(_ data: Tensor, k: Int, blockRows: Int = 512, serial: Bool = false) throws(EmbeddingError) {
        let (n, d) = try checkedMatrix(data, minimumRows: 2)
        guard k >= 1, k < n else { throw .invalidOption(name: "neighbours", value: Double(k), expected: "1 to \(n - 1)") }
        let x = data.pointer
        var norms = [Float](repeating: 0, count: n)
        for i in 0..<n { norms[i] = Kernels.dot(x + i * d, x + i * d, d) }
        var indices = [Int32](repeating: 0, count: n * k)
        var distances = [Double](repeating: 0, count: n * k)
        let block = max(1, blockRows)
        let products = Tensor(uninitializedShape: [min(block, n), n])
        var start = 0
        while start < n {
            let rows = min(block, n - start)
            BLAS.sgemm(transA: false, transB: true, m: rows, n: n, k: d, x + start * d, x, products.pointer)
            let g = UnsafePointer(products.pointer)
            let chunks = min(rows, 4 * Parallel.threadCount)
            indices.withUnsafeMutableBufferPointer { outIndices in
                distances.withUnsafeMutableBufferPointer { outDistances in
                    norms.withUnsafeBufferPointer { norms in
                        Parallel.forEach(chunks: chunks, serial: serial) { chunk in
                            for r in Parallel.range(of: chunk, chunks: chunks, count: rows) {
                                let i = start + r
                                let best = topK(
                                    k, count: n, score: { j in 2 * g[r * n + j] - norms[i] - norms[j] },
                                    include: { $0 != i })
                                var row = best.map {
                                    (index: $0.index, distance: squaredDistance(x + i * d, x + $0.index * d, d))
                                }
                                row.sort { ($0.distance, $0.index) < ($1.distance, $1.index) }
                                for (slot, neighbour) in row.enumerated() {
                                    outIndices[i * k + slot] = Int32(neighbour.index)
                                    outDistances[i * k + slot] = neighbour.distance
                                }
                            }
                        }
                    }
                }
            }
            start += rows
        }
        self.k = k
        self.indices = indices
        self.squaredDistances = distances
    }
}

/// ‖a − b‖² accumulated in Double.
@inline(__always)
func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Double {
    var s = 0.0
    for t in 0..<d {
        let diff = Double(a[t]) - Double(b[t])
        s += diff * diff
    }
    return s
}
