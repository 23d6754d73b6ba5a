/// Applies a tokenizer's merges to one piece, as Hugging Face's `tokenizers` does (`Word::merge_all`):
/// the pending merge of lowest rank goes first, the leftmost among equal ranks; each merge can make
/// new pairs with its neighbours, which join the queue. Scratch arrays are kept between pieces.
struct BPEWordMerger {
    /// A merge waiting in the queue: the pair starting at symbol `position`.
    private struct Pending: Comparable {
        var rank: Int32
        var position: Int32
        var result: Int32

        static func < (a: Pending, b: Pending) -> Bool { a.rank != b.rank ? a.rank < b.rank : a.position < b.position }
    }

    private var symbols: [Int32] = []
    private var previous: [Int32] = []
    private var next: [Int32] = []
    private var alive: [Bool] = []
    private var queue = BinaryHeap<Pending>()

    /// Appends the token ids of the piece whose byte tokens are `byteIds[bytes[i]]` to `ids`.
    mutating func merge(
        _ bytes: UnsafeBufferPointer<UInt8>, byteIds: [Int32], merges: [UInt64: RankedMerge], into ids: inout [Int32]
    ) {
        let n = bytes.count
        if n == 1 {
            ids.append(byteIds[Int(bytes[0])])
            return
        }
        symbols.removeAll(keepingCapacity: true)
        previous.removeAll(keepingCapacity: true)
        next.removeAll(keepingCapacity: true)
        alive.removeAll(keepingCapacity: true)
        queue.removeAll()
        for i in 0..<n {
            symbols.append(byteIds[Int(bytes[i])])
            previous.append(Int32(i - 1))
            next.append(Int32(i + 1))
            alive.append(true)
        }
        for i in 0..<(n - 1) {
            if let merge = merges[BPEMerge.key(symbols[i], symbols[i + 1])] {
                queue.push(Pending(rank: merge.rank, position: Int32(i), result: merge.result))
            }
        }
        while let top = queue.pop() {
            let position = Int(top.position)
            guard alive[position], Int(next[position]) < n else { continue }
            let right = Int(next[position])
            // An entry made stale by an earlier merge at this place no longer names its pair.
            guard merges[BPEMerge.key(symbols[position], symbols[right])]?.result == top.result else { continue }
            symbols[position] = top.result
            alive[right] = false
            next[position] = next[right]
            if Int(next[right]) < n { previous[Int(next[right])] = Int32(position) }
            let before = Int(previous[position])
            if before >= 0, let merge = merges[BPEMerge.key(symbols[before], top.result)] {
                queue.push(Pending(rank: merge.rank, position: Int32(before), result: merge.result))
            }
            let after = Int(next[position])
            if after < n, let merge = merges[BPEMerge.key(top.result, symbols[after])] {
                queue.push(Pending(rank: merge.rank, position: Int32(position), result: merge.result))
            }
        }
        var i = 0
        while i < n {
            ids.append(symbols[i])
            i = Int(next[i])
        }
    }
}
