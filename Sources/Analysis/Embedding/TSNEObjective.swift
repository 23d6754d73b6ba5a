import Foundation
import Tensor

/// How t-SNE's repulsive forces (and the normaliser Z) are computed.
public enum TSNEMethod: Equatable, Sendable {
    /// Every pair: O(n²) a step, exact.
    case exact
    /// A quadtree rebuilt every step, cells far enough away (side / distance < θ) summarised by
    /// their centre of mass: O(n log n).
    case barnesHut(theta: Double)
}

/// The t-SNE cost KL(P‖Q) = Σ p_ij ln(p_ij / q_ij) of a 2-D embedding and its gradient.
///
/// With w_ij = 1 / (1 + ‖y_i − y_j‖²) and q_ij = w_ij / Z, Z = Σ_{k≠l} w_kl, the gradient is
/// ∂KL/∂y_i = 4 (α Σ_j p_ij w_ij (y_i − y_j) − Σ_j w_ij² (y_i − y_j) / Z), α being the early
/// exaggeration (1 for the true gradient). The attractive sum runs over P's stored entries, the
/// repulsive one over all pairs (`.exact`) or the Barnes-Hut tree. The cost is computed alongside
/// as Σ p_ij ln(p_ij / w_ij) + (Σ p_ij) ln Z — for Barnes-Hut with the tree's estimate of Z and
/// only P's stored entries, as openTSNE reports it.
public struct TSNEObjective {
    public let affinities: Affinities
    public let method: TSNEMethod
    /// Run on the calling thread only.
    public var serial: Bool
    private var tree = QuadTree()
    private var attraction: [Double]
    private var repulsion: [Double]

    public init(affinities: Affinities, method: TSNEMethod, serial: Bool = false) {
        self.affinities = affinities
        self.method = method
        self.serial = serial
        attraction = [Double](repeating: 0, count: 2 * affinities.count)
        repulsion = attraction
    }

    /// The gradient at `embedding` (x0, y0, x1, y1, …) written to `gradient`; returns the cost
    /// when `cost` is true (it is nearly free then), else nil.
    public mutating func evaluate(
        _ embedding: [Double], exaggeration: Double = 1, gradient: inout [Double],
        cost: Bool = true
    ) -> Double? {
        let n = affinities.count
        precondition(embedding.count == 2 * n && gradient.count == 2 * n, "embedding and gradient need 2 values per point")
        let chunks = min(n, serial ? 1 : 8 * Parallel.threadCount)
        let method = self.method
        let serial = self.serial
        if case .barnesHut = method { embedding.withUnsafeBufferPointer { self.tree.build($0.baseAddress!, count: n) } }
        let builtTree = tree
        var (z, attractiveCost) = (0.0, 0.0)
        embedding.withUnsafeBufferPointer { yBuffer in
            let y = yBuffer.baseAddress!
            repulsion.withUnsafeMutableBufferPointer { r in
                switch method {
                case .exact:
                    z = Repulsion.exact(y, n, into: r.baseAddress!, chunks: chunks, serial: serial)
                case .barnesHut(let theta):
                    z = Repulsion.barnesHut(
                        y, n, tree: builtTree, theta: theta, into: r.baseAddress!, chunks: chunks, serial: serial)
                }
            }
            attraction.withUnsafeMutableBufferPointer { a in
                attractiveCost = Self.attract(y, affinities, into: a.baseAddress!, cost: cost, chunks: chunks, serial: serial)
            }
        }
        let scale = 1 / z
        for t in 0..<(2 * n) { gradient[t] = 4 * (exaggeration * attraction[t] - repulsion[t] * scale) }
        guard cost else { return nil }
        let totalP = affinities.values.reduce(0, +)
        return attractiveCost + totalP * Foundation.log(z)
    }

    /// a_i = Σ_j p_ij w_ij (y_i − y_j) over P's stored entries; returns Σ p_ij ln(p_ij / w_ij) when `cost`.
    private static func attract(
        _ y: UnsafePointer<Double>, _ p: Affinities, into forces: UnsafeMutablePointer<Double>,
        cost: Bool, chunks: Int, serial: Bool
    ) -> Double {
        p.rowStart.withUnsafeBufferPointer { rowStart in
            p.columns.withUnsafeBufferPointer { columns in
                p.values.withUnsafeBufferPointer { values in
                    withUnsafeTemporaryAllocation(of: Double.self, capacity: chunks) { partial in
                        Parallel.forEach(chunks: chunks, serial: serial) { chunk in
                            var kl = 0.0
                            for i in Parallel.range(of: chunk, chunks: chunks, count: p.count) {
                                let (xi, yi) = (y[2 * i], y[2 * i + 1])
                                var fx = 0.0
                                var fy = 0.0
                                for e in rowStart[i]..<rowStart[i + 1] {
                                    let j = Int(columns[e])
                                    let dx = xi - y[2 * j]
                                    let dy = yi - y[2 * j + 1]
                                    let d2 = dx * dx + dy * dy
                                    let pw = values[e] / (1 + d2)
                                    fx += pw * dx
                                    fy += pw * dy
                                    if cost, values[e] > 0 { kl += values[e] * Foundation.log(values[e] * (1 + d2)) }
                                }
                                forces[2 * i] = fx
                                forces[2 * i + 1] = fy
                            }
                            partial[chunk] = kl
                        }
                        return partial.reduce(0, +)
                    }
                }
            }
        }
    }
}
