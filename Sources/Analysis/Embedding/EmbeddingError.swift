import Foundation

/// Why a 2-D embedding (PCA or t-SNE) could not be computed; each description is one line.
public enum EmbeddingError: Error, Equatable, CustomStringConvertible {
    /// Fewer points than the method needs.
    case tooFewPoints(count: Int, needed: Int)
    /// The input is not a [points, dimension] matrix with dimension ≥ 1.
    case notAMatrix(shape: [Int])
    /// A value in the input is NaN or infinite.
    case nonFiniteInput(row: Int)
    /// The perplexity needs more neighbours than there are other points (k = 3 · perplexity ≤ n − 1).
    case perplexityTooLarge(perplexity: Double, points: Int, maximum: Double)
    /// A numeric option is out of its range; `expected` says the range.
    case invalidOption(name: String, value: Double, expected: String)

    public var description: String {
        switch self {
        case .tooFewPoints(let count, let needed): "need at least \(needed) points, got \(count)"
        case .notAMatrix(let shape): "expected a [points, dimension] matrix, got shape \(shape)"
        case .nonFiniteInput(let row): "vector \(row + 1) holds a NaN or infinite value"
        case .perplexityTooLarge(let perplexity, let points, let maximum):
            "perplexity \(format(perplexity)) is too large for \(points) points (at most \(format(maximum)) = (n - 1) / 3)"
        case .invalidOption(let name, let value, let expected): "\(name) \(format(value)) is invalid: expected \(expected)"
        }
    }
}

private func format(_ value: Double) -> String { String(format: "%g", value) }
