import Tensor

/// t-SNE's repulsive forces in 2-D: for every point r_i = Σ_j w_ij² (y_i − y_j) with the Student-t
/// kernel w_ij = 1 / (1 + ‖y_i − y_j‖²), and the normaliser Z = Σ_{i≠j} w_ij.
enum Repulsion {
    /// All pairs, O(n²).
    static func exact(
        _ y: UnsafePointer<Double>, _ n: Int, into forces: UnsafeMutablePointer<Double>,
        chunks: Int, serial: Bool
    ) -> Double {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: chunks) { partial in
            Parallel.forEach(chunks: chunks, serial: serial) { chunk in
                var z = 0.0
                for i in Parallel.range(of: chunk, chunks: chunks, count: n) {
                    let (xi, yi) = (y[2 * i], y[2 * i + 1])
                    var fx = 0.0
                    var fy = 0.0
                    for j in 0..<n where j != i {
                        let dx = xi - y[2 * j]
                        let dy = yi - y[2 * j + 1]
                        let w = 1 / (1 + dx * dx + dy * dy)
                        z += w
                        fx += w * w * dx
                        fy += w * w * dy
                    }
                    forces[2 * i] = fx
                    forces[2 * i + 1] = fy
                }
                partial[chunk] = z
            }
            return partial.reduce(0, +)
        }
    }

    /// Barnes-Hut: a cell whose side s satisfies s / ‖y_i − centre of mass‖ < θ acts as its points'
    /// count at their centre of mass (van der Maaten 2014; the criterion bhtsne and openTSNE use);
    /// θ = 0 visits every point. Points are taken in tree order, so neighbouring points walk the
    /// same nodes one after the other.
    static func barnesHut(
        _ y: UnsafePointer<Double>, _ n: Int, tree: QuadTree, theta: Double,
        into forces: UnsafeMutablePointer<Double>, chunks: Int, serial: Bool
    ) -> Double {
        let thetaSquared = theta * theta
        return tree.nodes.withUnsafeBufferPointer { nodes in
            tree.order.withUnsafeBufferPointer { order in
                withUnsafeTemporaryAllocation(of: Double.self, capacity: chunks) { partial in
                    Parallel.forEach(chunks: chunks, serial: serial) { chunk in
                        withUnsafeTemporaryAllocation(of: Int32.self, capacity: 4 * QuadTree.maxDepth + 8) { stack in
                            var z = 0.0
                            for slot in Parallel.range(of: chunk, chunks: chunks, count: n) {
                                let i = Int(order[slot])
                                let (fx, fy, zi) = walk(i, y, nodes, order, thetaSquared, stack.baseAddress!)
                                forces[2 * i] = fx
                                forces[2 * i + 1] = fy
                                z += zi
                            }
                            partial[chunk] = z
                        }
                    }
                    return partial.reduce(0, +)
                }
            }
        }
    }

    /// Forces on point `i` and its share of Z, from one depth-first walk of the tree.
    @inline(__always)
    private static func walk(
        _ i: Int, _ y: UnsafePointer<Double>, _ nodes: UnsafeBufferPointer<QuadTree.Node>,
        _ order: UnsafeBufferPointer<Int32>, _ thetaSquared: Double,
        _ stack: UnsafeMutablePointer<Int32>
    ) -> (Double, Double, Double) {
        let (xi, yi) = (y[2 * i], y[2 * i + 1])
        var fx = 0.0
        var fy = 0.0
        var z = 0.0
        var top = 1
        stack[0] = 0
        while top > 0 {
            top -= 1
            let node = nodes[Int(stack[top])]
            if node.childCount == 0 {
                // A leaf: its points one by one, skipping i itself.
                for e in Int(node.pointStart)..<Int(node.pointStart + node.pointCount) {
                    let j = Int(order[e])
                    if j == i { continue }
                    let dx = xi - y[2 * j]
                    let dy = yi - y[2 * j + 1]
                    let w = 1 / (1 + dx * dx + dy * dy)
                    z += w
                    fx += w * w * dx
                    fy += w * w * dy
                }
                continue
            }
            let dx = xi - node.x
            let dy = yi - node.y
            let distanceSquared = dx * dx + dy * dy
            if node.sideSquared < thetaSquared * distanceSquared {
                let w = 1 / (1 + distanceSquared)
                let cw = node.count * w
                z += cw
                fx += cw * w * dx
                fy += cw * w * dy
            } else {
                for c in Int(node.firstChild)..<Int(node.firstChild + node.childCount) {
                    stack[top] = Int32(c)
                    top += 1
                }
            }
        }
        return (fx, fy, z)
    }
}
