import Tensor

/// t-SNE's input affinities P: a symmetric sparse matrix (compressed rows) that sums to 1.
///
/// Each point's conditional Gaussian p(j|i) over its `k` nearest neighbours is calibrated to the
/// perplexity (`PerplexitySearch`), then P = (p(j|i) + p(i|j)) / 2n, as in van der Maaten (2014)
/// and openTSNE. With k = n − 1 every pair is kept: the exact t-SNE of van der Maaten & Hinton (2008).
public struct Affinities: Sendable {
    /// Number of points.
    public let count: Int
    /// Row `i`'s entries are `columns[rowStart[i]..<rowStart[i + 1]]` and the same range of `values`.
    public let rowStart: [Int]
    /// Column of each stored entry, increasing within a row.
    public let columns: [Int32]
    /// P_ij of each stored entry.
    public let values: [Double]

    /// Affinities of the rows of `data` over their `neighbours` nearest rows (default 3 · perplexity,
    /// as openTSNE and bhtsne; `count - 1` gives exact t-SNE's dense P).
    public init(_ data: Tensor, perplexity: Double, neighbours: Int? = nil, serial: Bool = false) throws(EmbeddingError) {
        guard data.rank == 2 else { throw .notAMatrix(shape: data.shape) }
        let n = data.shape[0]
        try Self.checkPerplexity(perplexity, points: n)
        let k = neighbours ?? min(n - 1, Int(3 * perplexity))
        guard k >= 1, k < n else { throw .invalidOption(name: "neighbours", value: Double(k), expected: "1 to \(n - 1)") }
        try self.init(EuclideanNeighbours(data, k: k, serial: serial), perplexity: perplexity, serial: serial)
    }

    /// Throws unless 2 ≤ n and 0 < perplexity ≤ (n − 1) / 3, the range openTSNE and bhtsne accept.
    public static func checkPerplexity(_ perplexity: Double, points n: Int) throws(EmbeddingError) {
        guard n >= 2 else { throw .tooFewPoints(count: n, needed: 2) }
        guard perplexity.isFinite, perplexity > 0 else {
            throw .invalidOption(name: "perplexity", value: perplexity, expected: "a positive number")
        }
        let maximum = Double(n - 1) / 3
        guard perplexity <= maximum else { throw .perplexityTooLarge(perplexity: perplexity, points: n, maximum: maximum) }
    }

    /// Affinities from precomputed neighbours (each point's conditionals, then symmetrised).
    public init(_ neighbours: EuclideanNeighbours, perplexity: Double, serial: Bool = false) throws(EmbeddingError) {
        let k = neighbours.k
        let n = neighbours.indices.count / k
        try Self.checkPerplexity(perplexity, points: n)
        var conditional = [Double](repeating: 0, count: n * k)
        let chunks = min(n, 4 * Parallel.threadCount)
        neighbours.squaredDistances.withUnsafeBufferPointer { d in
            conditional.withUnsafeMutableBufferPointer { p in
                Parallel.forEach(chunks: chunks, serial: serial) { chunk in
                    for i in Parallel.range(of: chunk, chunks: chunks, count: n) {
                        PerplexitySearch.calibrate(
                            d.baseAddress! + i * k, k, perplexity: perplexity, into: p.baseAddress! + i * k)
                    }
                }
            }
        }
        self.init(symmetrising: conditional, indices: neighbours.indices, count: n, k: k)
    }

    /// P_ij = (p(j|i) + p(i|j)) / 2n from row-major [n, k] conditionals over `indices`.
    init(symmetrising conditional: [Double], indices: [Int32], count n: Int, k: Int) {
        // Every (i, j, p) lands in row i and row j; rows are then sorted and duplicates merged.
        var fill = [Int](repeating: k, count: n + 1)
        for j in indices { fill[Int(j)] += 1 }
        var start = [Int](repeating: 0, count: n + 1)
        for i in 0..<n { start[i + 1] = start[i] + fill[i] }
        for i in 0..<n { fill[i] = start[i] }
        var rawColumns = [Int32](repeating: 0, count: start[n])
        var rawValues = [Double](repeating: 0, count: start[n])
        let scale = 1 / (2 * Double(n))
        for i in 0..<n {
            for slot in 0..<k {
                let j = Int(indices[i * k + slot])
                let p = conditional[i * k + slot] * scale
                rawColumns[fill[i]] = Int32(j)
                rawValues[fill[i]] = p
                fill[i] += 1
                rawColumns[fill[j]] = Int32(i)
                rawValues[fill[j]] = p
                fill[j] += 1
            }
        }
        var rowStart = [0]
        var columns: [Int32] = []
        var values: [Double] = []
        columns.reserveCapacity(start[n])
        values.reserveCapacity(start[n])
        for i in 0..<n {
            let order = (start[i]..<start[i + 1]).sorted { rawColumns[$0] < rawColumns[$1] }
            for e in order {
                if columns.count > rowStart[i], columns[columns.count - 1] == rawColumns[e] {
                    values[values.count - 1] += rawValues[e]
                } else {
                    columns.append(rawColumns[e])
                    values.append(rawValues[e])
                }
            }
            rowStart.append(columns.count)
        }
        self.count = n
        self.rowStart = rowStart
        self.columns = columns
        self.values = values
    }

    /// Number of stored (non-zero) entries.
    public var storedCount: Int { values.count }

    /// The entry P_ij (0 when not stored).
    public func value(_ i: Int, _ j: Int) -> Double {
        for e in rowStart[i]..<rowStart[i + 1] where Int(columns[e]) == j { return values[e] }
        return 0
    }
}
