/// A set of byte strings, each numbered in order of insertion: a hash table (open addressing,
/// FNV-1a) whose keys live in one byte arena, so that looking up a piece of a large text
/// allocates nothing. Counts words for BPE training and caches pieces' ids when encoding.
struct ByteSliceTable {
    /// The keys' bytes, one after another; key k is `arena[starts[k]..<starts[k + 1]]`.
    private(set) var arena: [UInt8] = []
    private(set) var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Key number + 1 in each slot, 0 for an empty slot; the count is a power of two.
    private var slots: [Int32] = .init(repeating: 0, count: 1024)

    var count: Int { hashes.count }

    /// The bytes of key `k`.
    func key(_ k: Int) -> ArraySlice<UInt8> { arena[starts[k]..<starts[k + 1]] }

    /// The number of `bytes` as a key, adding it when new (`inserted` says which).
    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>) -> (index: Int, inserted: Bool) {
        let hash = Self.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            if hashes[entry - 1] == hash, equals(entry - 1, bytes) { return (entry - 1, false) }
            slot = (slot + 1) & mask
        }
        let index = hashes.count
        hashes.append(hash)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        slots[slot] = Int32(index + 1)
        if hashes.count * 2 > slots.count { grow() }
        return (index, true)
    }

    private func equals(_ k: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[k]
        guard starts[k + 1] - start == bytes.count else { return false }
        return arena.withUnsafeBufferPointer { arena in
            for i in 0..<bytes.count where arena[start + i] != bytes[i] { return false }
            return true
        }
    }

    private mutating func grow() {
        slots = .init(repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index + 1)
        }
    }

    /// FNV-1a, 64 bits, mixed at the end so that low bits (the slot) depend on every byte.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return (hash ^ (hash >> 29)) &* 0xbf58_476d_1ce4_e5b9
    }
}
