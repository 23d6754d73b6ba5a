/// Counts distinct byte strings and gives each an id in order of first appearance: an open-addressing
/// hash table over one contiguous byte buffer, so counting a corpus makes no `String` per token.
struct WordCounter {
    private(set) var bytes: [UInt8] = []
    private(set) var starts: [Int] = [0]
    private(set) var counts: [Int] = []
    private var slots: [Int32] = Array(repeating: -1, count: 1 << 12)

    /// Number of distinct words.
    var count: Int { counts.count }

    /// The id of `word`, adding it with count 0 when new; counts one more occurrence.
    mutating func add(_ word: UnsafeBufferPointer<UInt8>) -> Int32 {
        let id = findOrInsert(word)
        counts[Int(id)] += 1
        return id
    }

    /// The id of `word` if it was seen.
    func id(of word: UnsafeBufferPointer<UInt8>) -> Int32? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: Self.hash(word)) & mask
        while true {
            let id = slots[slot]
            if id < 0 { return nil }
            if equals(Int(id), word) { return id }
            slot = (slot + 1) & mask
        }
    }

    /// The bytes of word `id` as a String (UTF-8, invalid sequences repaired).
    func word(_ id: Int) -> String {
        String(decoding: bytes[starts[id]..<starts[id + 1]], as: UTF8.self)
    }

    /// The bytes of word `id`.
    func wordBytes(_ id: Int) -> ArraySlice<UInt8> { bytes[starts[id]..<starts[id + 1]] }

    private mutating func findOrInsert(_ word: UnsafeBufferPointer<UInt8>) -> Int32 {
        if 2 * (counts.count + 1) > slots.count { grow() }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: Self.hash(word)) & mask
        while true {
            let id = slots[slot]
            if id < 0 { break }
            if equals(Int(id), word) { return id }
            slot = (slot + 1) & mask
        }
        let id = Int32(counts.count)
        slots[slot] = id
        bytes.append(contentsOf: word)
        starts.append(bytes.count)
        counts.append(0)
        return id
    }

    private func equals(_ id: Int, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[id]
        let length = starts[id + 1] - start
        guard length == word.count else { return false }
        return bytes.withUnsafeBufferPointer { stored in
            for i in 0..<length where stored[start + i] != word[i] { return false }
            return true
        }
    }

    private mutating func grow() {
        var grown = [Int32](repeating: -1, count: slots.count * 2)
        let mask = grown.count - 1
        for id in 0..<counts.count {
            let hash = bytes.withUnsafeBufferPointer { stored in
                Self.hash(UnsafeBufferPointer(rebasing: stored[starts[id]..<starts[id + 1]]))
            }
            var slot = Int(truncatingIfNeeded: hash) & mask
            while grown[slot] >= 0 { slot = (slot + 1) & mask }
            grown[slot] = Int32(id)
        }
        slots = grown
    }

    /// 64-bit FNV-1a, with a final mix so the low bits used for the slot are well spread.
    private static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in word { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return h ^ (h >> 29)
    }
}
