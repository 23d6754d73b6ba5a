/// A quadtree over 2-D points, built top-down by partitioning an index array, for Barnes-Hut
/// t-SNE's repulsive forces (rebuilt every iteration: O(n log n), a small part of a step).
///
/// Every node knows its points' centre of mass and count, and its cell's side length; children of a
/// node are stored next to each other and only non-empty quadrants get one. A leaf holds one point,
/// or several when they coincide (or the cells get too small to split, at `maxDepth`).
struct QuadTree {
    struct Node {
        var x: Double, y: Double  // centre of mass
        var count: Double
        var sideSquared: Double
        var firstChild: Int32  // children are firstChild..<firstChild + childCount
        var childCount: Int32  // 0: a leaf
        var pointStart: Int32  // the node's points are order[pointStart..<pointStart + pointCount]
        var pointCount: Int32
    }

    static let maxDepth = 48
    private(set) var nodes: [Node] = []
    /// Point indices, permuted so that every node's points are contiguous.
    private(set) var order: [Int32] = []
    private var scratch: [Int32] = []

    /// Rebuilds the tree over `n` points stored as x0, y0, x1, y1, … (reusing its storage).
    mutating func build(_ points: UnsafePointer<Double>, count n: Int) {
        nodes.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: 0..<Int32(n))
        if scratch.count != n { scratch = order }
        guard n > 0 else { return }
        var (minX, maxX, minY, maxY) = (points[0], points[0], points[1], points[1])
        for i in 1..<n {
            minX = min(minX, points[2 * i])
            maxX = max(maxX, points[2 * i])
            minY = min(minY, points[2 * i + 1])
            maxY = max(maxY, points[2 * i + 1])
        }
        // A square cell a hair larger than the bounding box, so that the largest point falls inside.
        let half = max(maxX - minX, maxY - minY) * (0.5 + 1e-9) + 1e-300
        nodes.append(Node(x: 0, y: 0, count: 0, sideSquared: 0, firstChild: 0, childCount: 0, pointStart: 0, pointCount: 0))
        split(0, points, 0, n, (minX + maxX) / 2, (minY + maxY) / 2, half, depth: 0)
    }

    /// Fills node `index` with the points order[lo..<hi] in the cell at (cx, cy) ± half, and splits it.
    private mutating func split(
        _ index: Int, _ points: UnsafePointer<Double>, _ lo: Int, _ hi: Int,
        _ cx: Double, _ cy: Double, _ half: Double, depth: Int
    ) {
        var sx = 0.0
        var sy = 0.0
        for e in lo..<hi {
            let p = Int(order[e])
            sx += points[2 * p]
            sy += points[2 * p + 1]
        }
        let count = Double(hi - lo)
        nodes[index] = Node(
            x: sx / count, y: sy / count, count: count, sideSquared: 4 * half * half,
            firstChild: 0, childCount: 0, pointStart: Int32(lo), pointCount: Int32(hi - lo))
        guard hi - lo > 1, depth < Self.maxDepth, half > 0 else { return }
        // Coincident points cannot be separated: keep them in one leaf.
        let first = Int(order[lo])
        if (lo + 1..<hi).allSatisfy({
            points[2 * Int(order[$0])] == points[2 * first] && points[2 * Int(order[$0]) + 1] == points[2 * first + 1]
        }) {
            return
        }
        // Quadrant q = (x ≥ cx) + 2 (y ≥ cy); a counting sort of the range by quadrant. The four
        // sizes and cursors live on the stack: this runs for every node in every iteration.
        @inline(__always) func quadrant(_ p: Int32) -> Int {
            (points[2 * Int(p)] >= cx ? 1 : 0) + (points[2 * Int(p) + 1] >= cy ? 2 : 0)
        }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 8) { buffer in
            let sizes = buffer.baseAddress!
            let next = sizes + 4
            for q in 0..<4 { sizes[q] = 0 }
            for e in lo..<hi { sizes[quadrant(order[e])] += 1 }
            next[0] = lo
            for q in 1..<4 { next[q] = next[q - 1] + sizes[q - 1] }
            for e in lo..<hi {
                let q = quadrant(order[e])
                scratch[next[q]] = order[e]
                next[q] += 1
            }
            for e in lo..<hi { order[e] = scratch[e] }
            let firstChild = nodes.count
            var childCount = 0
            for q in 0..<4 where sizes[q] > 0 {
                nodes.append(nodes[index])  // a placeholder, filled by split below
                childCount += 1
            }
            nodes[index].firstChild = Int32(firstChild)
            nodes[index].childCount = Int32(childCount)
            var child = firstChild
            for q in 0..<4 where sizes[q] > 0 {
                let start = next[q] - sizes[q]
                split(
                    child, points, start, next[q], cx + (q & 1 == 1 ? half : -half) / 2,
                    cy + (q & 2 == 2 ? half : -half) / 2, half / 2, depth: depth + 1)
                child += 1
            }
        }
    }
}
