/// The state of BPE training between merges: the words as token ids, how often each neighbouring
/// pair occurs (weighted by word counts), which words hold each pair, and a queue of pairs by
/// count. `mergeNext` makes one merge as Hugging Face's `BpeTrainer` does, with the same counts
/// and tie-breaking, updating counts only in the words that held the merged pair.
struct BPEMergeState {
    /// Each token's bytes, by id (the 256 bytes first, in `ByteLevelAlphabet.order`).
    private(set) var tokens: [[UInt8]]
    private(set) var merges: [BPEMerge] = []
    private var tokenIds: [[UInt8]: Int32] = [:]

    /// Word w's tokens are `symbols[wordStart[w]..<wordStart[w] + wordLength[w]]` (shrinking as
    /// pairs merge); it occurs `wordCount[w]` times.
    private var symbols: [Int32] = []
    private var wordStart: [Int] = []
    private var wordLength: [Int] = []
    private var wordCount: [Int] = []

    /// Pair number of each pair key, and by pair number: its count, its words (a word may be listed
    /// twice, or no longer hold the pair: merging it then changes nothing), its tokens.
    private var pairNumber: [UInt64: Int32] = [:]
    private(set) var pairCount: [Int] = []
    private var pairWords: [[Int32]] = []
    private var pairTokens: [(left: Int32, right: Int32)] = []
    private var queue = BinaryHeap<Candidate>()
    /// Pairs whose count grew during the current merge, to be queued at their new count.
    private var grown: [Int32] = []
    private var isGrown: [Bool] = []

    /// A pair in the queue with the count it had when queued: most frequent first, then the
    /// smallest (left, right).
    private struct Candidate: Comparable {
        var count: Int
        var left: Int32
        var right: Int32
        var pair: Int32

        static func < (a: Candidate, b: Candidate) -> Bool {
            if a.count != b.count { return a.count > b.count }
            return a.left != b.left ? a.left < b.left : a.right < b.right
        }
    }

    init(counter: BPEWordCounter) {
        tokens = ByteLevelAlphabet.order.map { [$0] }
        var byteIds = [Int32](repeating: 0, count: 256)
        for (id, byte) in ByteLevelAlphabet.order.enumerated() {
            byteIds[Int(byte)] = Int32(id)
            tokenIds[[byte]] = Int32(id)
        }
        let words = counter.words
        symbols.reserveCapacity(words.arena.count)
        for w in 0..<words.count {
            wordStart.append(symbols.count)
            for byte in words.key(w) { symbols.append(byteIds[Int(byte)]) }
            wordLength.append(symbols.count - wordStart[w])
            wordCount.append(counter.counts[w])
        }
        for w in 0..<words.count {
            let start = wordStart[w]
            for i in start..<(start + wordLength[w] - 1) {
                let pair = number(symbols[i], symbols[i + 1])
                pairCount[Int(pair)] += wordCount[w]
                if pairWords[Int(pair)].last != Int32(w) { pairWords[Int(pair)].append(Int32(w)) }
            }
        }
        queue = BinaryHeap(
            pairCount.indices.filter { pairCount[$0] > 0 }.map {
                Candidate(count: pairCount[$0], left: pairTokens[$0].left, right: pairTokens[$0].right, pair: Int32($0))
            })
    }

    /// The number of the pair (left, right), numbering it when new.
    private mutating func number(_ left: Int32, _ right: Int32) -> Int32 {
        let key = BPEMerge.key(left, right)
        if let pair = pairNumber[key] { return pair }
        let pair = Int32(pairCount.count)
        pairNumber[key] = pair
        pairCount.append(0)
        pairWords.append([])
        pairTokens.append((left, right))
        isGrown.append(false)
        return pair
    }

    /// Merges the most frequent pair; false when no pair occurs at least `minimumFrequency` times
    /// (and at least once).
    mutating func mergeNext(minimumFrequency: Int) -> Bool {
        while var top = queue.pop() {
            let count = pairCount[Int(top.pair)]
            guard top.count == count else {
                top.count = count
                queue.push(top)
                continue
            }
            guard count >= 1, count >= minimumFrequency else { return false }
            merge(top.pair)
            return true
        }
        return false
    }

    private mutating func merge(_ pair: Int32) {
        let (left, right) = pairTokens[Int(pair)]
        let bytes = tokens[Int(left)] + tokens[Int(right)]
        let result: Int32
        if let existing = tokenIds[bytes] {
            result = existing
        } else {
            result = Int32(tokens.count)
            tokens.append(bytes)
            tokenIds[bytes] = result
        }
        merges.append(BPEMerge(left: left, right: right, result: result))
        let words = pairWords[Int(pair)]
        pairWords[Int(pair)] = []
        for w in words { merge(left, right, into: result, inWord: w) }
        // No word holds the pair any more; a second queue entry at its old count must not merge
        // it again (Hugging Face would, adding a duplicate line to merges.txt).
        pairCount[Int(pair)] = 0
        for grownPair in grown {
            isGrown[Int(grownPair)] = false
            let count = pairCount[Int(grownPair)]
            if count > 0 {
                let (l, r) = pairTokens[Int(grownPair)]
                queue.push(Candidate(count: count, left: l, right: r, pair: grownPair))
            }
        }
        grown.removeAll(keepingCapacity: true)
    }

    /// Replaces each (left, right) in word `w`, left to right without overlap, by `result`, and
    /// moves the counts of the pairs around each replaced one.
    private mutating func merge(_ left: Int32, _ right: Int32, into result: Int32, inWord w: Int32) {
        let start = wordStart[Int(w)]
        let end = start + wordLength[Int(w)]
        let count = wordCount[Int(w)]
        var out = start
        var i = start
        while i < end {
            if i + 1 < end, symbols[i] == left, symbols[i + 1] == right {
                if out > start {
                    let before = symbols[out - 1]
                    change(before, left, by: -count, word: w)
                    change(before, result, by: count, word: w)
                }
                if i + 2 < end {
                    let after = symbols[i + 2]
                    change(right, after, by: -count, word: w)
                    change(result, after, by: count, word: w)
                }
                symbols[out] = result
                i += 2
            } else {
                symbols[out] = symbols[i]
                i += 1
            }
            out += 1
        }
        wordLength[Int(w)] = out - start
    }

    private mutating func change(_ left: Int32, _ right: Int32, by delta: Int, word: Int32) {
        let pair = Int(number(left, right))
        pairCount[pair] += delta
        guard delta > 0 else { return }
        if pairWords[pair].last != word { pairWords[pair].append(word) }
        if !isGrown[pair] {
            isGrown[pair] = true
            grown.append(Int32(pair))
        }
    }
}
