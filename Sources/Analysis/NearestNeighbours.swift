import Tensor

/// A word close to a query word, with its cosine similarity.
public struct Neighbour: Equatable, Sendable {
    public let word: String
    public let index: Int
    public let similarity: Float
}

/// Cosine nearest neighbours over a fixed set of word vectors.
///
/// Rows are normalised once, x̂ = x / ‖x‖ (zero rows stay zero). For a batch of queries Q the
/// similarities are one BLAS product S = Q̂ · X̂ᵀ ([queries, words]), so cos(q, x) = S[q, x]; the top
/// k of each row are then found by partial selection.
public struct CosineIndex {
    public let vectors: WordVectors
    /// The unit-length rows, [count, dimension].
    public let normalized: Tensor

    public init(_ vectors: WordVectors) {
        self.vectors = vectors
        let (n, d) = (vectors.count, vectors.dimension)
        normalized = Tensor(uninitializedShape: [n, d])
        let src = vectors.matrix.pointer
        let dst = normalized.pointer
        for i in 0..<n {
            var squares = 0.0
            for t in 0..<d { squares += Double(src[i * d + t]) * Double(src[i * d + t]) }
            let scale = squares > 0 ? Float(1 / squares.squareRoot()) : 0
            for t in 0..<d { dst[i * d + t] = src[i * d + t] * scale }
        }
    }

    /// The `k` most similar words to each query row (the query word itself excluded), most similar
    /// first. Queries go through the product in blocks of `blockSize` rows to bound memory.
    public func neighbours(ofRows queries: [Int], k: Int, blockSize: Int = 256) -> [[Neighbour]] {
        let (n, d) = (vectors.count, vectors.dimension)
        var result: [[Neighbour]] = []
        result.reserveCapacity(queries.count)
        var start = 0
        while start < queries.count {
            let block = Array(queries[start..<min(start + blockSize, queries.count)])
            let q = Tensor(uninitializedShape: [block.count, d])
            for (r, row) in block.enumerated() {
                (q.pointer + r * d).update(from: normalized.pointer + row * d, count: d)
            }
            let similarities = Tensor.matmul(q, normalized, transposeB: true)  // [block, n]
            let s = similarities.pointer
            for (r, row) in block.enumerated() {
                let best = topK(k, count: n, score: { s[r * n + $0] }, include: { $0 != row })
                result.append(best.map { Neighbour(word: vectors.words[$0.index], index: $0.index, similarity: $0.score) })
            }
            start += blockSize
        }
        return result
    }
}

extension WordVectors {
    /// The `k` words most similar to `word` by cosine similarity (looked up as written, then
    /// lowercased; an unknown word is an error suggesting close spellings).
    public func neighbours(of word: String, k: Int = 10) throws(WordVectorsError) -> [Neighbour] {
        let row = try requireIndex(of: word)
        return CosineIndex(self).neighbours(ofRows: [row], k: k)[0]
    }
}
