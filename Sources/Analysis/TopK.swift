/// Indices of the `k` largest of `count` scores, largest first, by partial selection: a min-heap of
/// the best `k` seen so far, O(count · log k). Equal scores keep the lower index first; indices for
/// which `include` is false are skipped.
public func topK(_ k: Int, count: Int, score: (Int) -> Float, include: (Int) -> Bool = { _ in true }) -> [(
    index: Int, score: Float
)] {
    guard k > 0 else { return [] }
    // "a worse than b": lower score, or equal score and higher index.
    func worse(_ a: (index: Int, score: Float), _ b: (index: Int, score: Float)) -> Bool {
        a.score < b.score || (a.score == b.score && a.index > b.index)
    }
    var heap: [(index: Int, score: Float)] = []  // heap[0] is the worst kept
    heap.reserveCapacity(k)
    func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1
            let r = l + 1
            var m = i
            if l < heap.count, worse(heap[l], heap[m]) { m = l }
            if r < heap.count, worse(heap[r], heap[m]) { m = r }
            if m == i { return }
            heap.swapAt(i, m)
            i = m
        }
    }
    for i in 0..<count where include(i) {
        let candidate = (index: i, score: score(i))
        if candidate.score.isNaN { continue }
        if heap.count < k {
            heap.append(candidate)
            var c = heap.count - 1
            while c > 0 {
                let parent = (c - 1) / 2
                guard worse(heap[c], heap[parent]) else { break }
                heap.swapAt(c, parent)
                c = parent
            }
        } else if worse(heap[0], candidate) {
            heap[0] = candidate
            siftDown(0)
        }
    }
    return heap.sorted { worse($1, $0) }
}
