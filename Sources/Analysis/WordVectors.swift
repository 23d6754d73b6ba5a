import Tensor

/// Words and their vectors: row `i` of `matrix` ([count, dimension], row-major) belongs to `words[i]`.
///
/// ```swift
/// let vectors = try WordVectors(contentsOfVecFile: "wiki.en.vec")
/// let neighbours = try vectors.neighbours(of: "king", k: 10)
/// ```
public struct WordVectors {
    public let words: [String]
    public let matrix: Tensor
    private let ids: [String: Int]

    /// Pairs `words` with the rows of `matrix`; the words must be distinct.
    public init(words: [String], matrix: Tensor) throws(WordVectorsError) {
        guard matrix.rank == 2, matrix.shape[0] == words.count else {
            throw .shapeMismatch(words: words.count, shape: matrix.shape)
        }
        var ids: [String: Int] = [:]
        ids.reserveCapacity(words.count)
        for (i, word) in words.enumerated() {
            if let first = ids[word] { throw .duplicateWord(path: "vectors", word: word, line: i + 1, firstLine: first + 1) }
            ids[word] = i
        }
        self.words = words
        self.matrix = matrix
        self.ids = ids
    }

    /// The words at `rows` (distinct, in range) with their vectors, in that order.
    public func rows(_ rows: [Int]) -> WordVectors {
        let d = dimension
        let matrix = Tensor(uninitializedShape: [rows.count, d])
        var ids: [String: Int] = [:]
        for (r, row) in rows.enumerated() {
            (matrix.pointer + r * d).update(from: self.matrix.pointer + row * d, count: d)
            ids[words[row]] = r
        }
        return WordVectors(words: rows.map { words[$0] }, matrix: matrix, ids: ids)
    }

    private init(words: [String], matrix: Tensor, ids: [String: Int]) {
        (self.words, self.matrix, self.ids) = (words, matrix, ids)
    }

    /// Number of words.
    public var count: Int { words.count }
    /// Length of each vector.
    public var dimension: Int { matrix.shape[1] }

    /// The row of `word`: the word as written, else its lowercase form, else nil.
    public func index(of word: String) -> Int? {
        ids[word] ?? ids[word.lowercased()]
    }

    /// The row of `word` spelled exactly so, or nil.
    public func exactIndex(of word: String) -> Int? { ids[word] }

    /// The row of `word`, or an error that suggests close spellings.
    public func requireIndex(of word: String) throws(WordVectorsError) -> Int {
        guard let i = index(of: word) else { throw .unknownWord(word, suggestions: closeSpellings(of: word)) }
        return i
    }

    /// A copy of row `i`.
    public func vector(at i: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: matrix.pointer + i * dimension, count: dimension))
    }

    /// Cosine similarity of rows `i` and `j`, accumulated in Double:
    /// cos(a, b) = a·b / (‖a‖ ‖b‖), and 0 when either vector is zero.
    public func cosineSimilarity(_ i: Int, _ j: Int) -> Double {
        let d = dimension
        let a = matrix.pointer + i * d
        let b = matrix.pointer + j * d
        var dot = 0.0
        var aa = 0.0
        var bb = 0.0
        for t in 0..<d {
            let x = Double(a[t])
            let y = Double(b[t])
            dot += x * y
            aa += x * x
            bb += y * y
        }
        guard aa > 0, bb > 0 else { return 0 }
        return dot / (aa.squareRoot() * bb.squareRoot())
    }
}
