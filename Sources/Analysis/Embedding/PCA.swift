import Tensor

/// Principal components of the rows of a [points, dimension] matrix.
///
/// The covariance C = X̄ᵀX̄ / n of the centred rows X̄ is one BLAS product; its leading eigenvectors
/// come from power iteration with deflation (v ← Cv / ‖Cv‖ until v stops moving, then
/// C ← C − λvvᵀ for the next one), in Double. Each component's sign is fixed so that its largest
/// entry in absolute value is positive, so the result does not depend on the random start.
///
/// ```swift
/// let pca = try PCA(vectors.matrix, components: 2)
/// let xy = pca.project(vectors.matrix)   // [x0, y0, x1, y1, …]
/// ```
public struct PCA: Sendable {
    /// Mean of the rows (length `dimension`).
    public let mean: [Double]
    /// Unit-length principal directions, largest variance first.
    public let components: [[Double]]
    /// Variance along each component (the covariance's eigenvalues, divided by n).
    public let variances: [Double]
    /// Total variance of the data (the covariance's trace), for the share each component explains.
    public let totalVariance: Double

    /// Finds the `components` leading principal directions of the rows of `data`.
    public init(
        _ data: Tensor, components k: Int = 2, seed: UInt64 = 0, maxIterations: Int = 10_000,
        tolerance: Double = 1e-10
    ) throws(EmbeddingError) {
        let (n, d) = try checkedMatrix(data, minimumRows: 1)
        guard k >= 1, k <= d else { throw .invalidOption(name: "components", value: Double(k), expected: "1 to \(d)") }
        let x = data.pointer
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for t in 0..<d { mean[t] += Double(x[i * d + t]) } }
        for t in 0..<d { mean[t] /= Double(n) }

        let centred = Tensor(uninitializedShape: [n, d])
        for i in 0..<n { for t in 0..<d { centred.pointer[i * d + t] = Float(Double(x[i * d + t]) - mean[t]) } }
        let product = Tensor(uninitializedShape: [d, d])
        BLAS.sgemm(
            transA: true, transB: false, m: d, n: d, k: n, alpha: 1 / Float(n),
            centred.pointer, centred.pointer, product.pointer)
        var covariance = (0..<(d * d)).map { Double(product.pointer[$0]) }
        totalVariance = (0..<d).reduce(0) { $0 + covariance[$1 * d + $1] }

        let random = RandomGenerator(seed: seed)
        var components: [[Double]] = []
        var variances: [Double] = []
        for _ in 0..<k {
            let (vector, value) = powerIteration(&covariance, d, random, maxIterations, tolerance)
            components.append(vector)
            variances.append(value)
            for r in 0..<d { for c in 0..<d { covariance[r * d + c] -= value * vector[r] * vector[c] } }
        }
        self.mean = mean
        self.components = components
        self.variances = variances
    }

    /// The rows of `data` ([n, dimension]) in component coordinates, row-major [n, components].
    public func project(_ data: Tensor) -> [Double] {
        let d = mean.count
        let n = data.shape[0]
        let k = components.count
        var out = [Double](repeating: 0, count: n * k)
        for i in 0..<n {
            for (c, direction) in components.enumerated() {
                var s = 0.0
                for t in 0..<d { s += (Double(data.pointer[i * d + t]) - mean[t]) * direction[t] }
                out[i * k + c] = s
            }
        }
        return out
    }
}

/// The dominant eigenvector and eigenvalue of the symmetric positive semi-definite d×d `matrix`.
private func powerIteration(
    _ matrix: inout [Double], _ d: Int, _ random: RandomGenerator,
    _ maxIterations: Int, _ tolerance: Double
) -> ([Double], Double) {
    var v = (0..<d).map { _ in random.nextNormal() }
    normalize(&v)
    var next = [Double](repeating: 0, count: d)
    var value = 0.0
    for _ in 0..<maxIterations {
        matrix.withUnsafeBufferPointer { m in
            for r in 0..<d {
                var s = 0.0
                for c in 0..<d { s += m[r * d + c] * v[c] }
                next[r] = s
            }
        }
        value = zip(v, next).reduce(0) { $0 + $1.0 * $1.1 }  // Rayleigh quotient vᵀCv
        guard normalize(&next) > 0 else { break }  // nothing left: the remaining variance is zero
        let change = zip(v, next).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        swap(&v, &next)
        if change < tolerance * tolerance { break }
    }
    if let largest = v.indices.max(by: { abs(v[$0]) < abs(v[$1]) }), v[largest] < 0 {
        for t in 0..<d { v[t] = -v[t] }
    }
    return (v, max(0, value))
}

/// Scales `v` to unit length and returns its former length (a zero vector stays zero).
@discardableResult
private func normalize(_ v: inout [Double]) -> Double {
    let length = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    if length > 0 { for t in v.indices { v[t] /= length } }
    return length
}

/// The [n, d] shape of `data`, after checking it is a matrix of finite values with enough rows.
func checkedMatrix(_ data: Tensor, minimumRows: Int) throws(EmbeddingError) -> (n: Int, d: Int) {
    guard data.rank == 2, data.shape[1] >= 1 else { throw .notAMatrix(shape: data.shape) }
    let (n, d) = (data.shape[0], data.shape[1])
    guard n >= minimumRows else { throw .tooFewPoints(count: n, needed: minimumRows) }
    for i in 0..<n {
        for t in 0..<d where !data.pointer[i * d + t].isFinite { throw .nonFiniteInput(row: i) }
    }
    return (n, d)
}
