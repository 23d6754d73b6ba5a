import Foundation

/// Words as byte strings → ids: an open-addressing hash table over the words' UTF-8 bytes, so
/// that encoding a large corpus never makes a Swift `String` per token (only one per distinct
/// byte spelling, when it is first seen).
struct ByteWordTable {
    /// The bytes of every key, end to end.
    private var arena: [UInt8] = []
    private var keyStart: [Int] = []
    private var keyLength: [Int32] = []
    private var keyHash: [UInt64] = []
    private var keyID: [Int32] = []
    /// Index into the key arrays + 1 per slot, 0 for empty; a power of two long.
    private var slots: [Int32] = Array(repeating: 0, count: 1 << 12)

    var count: Int { keyID.count }

    /// FNV-1a over bytes, 64 bits: what `WordStreamEncoder` computes while it scans a word.
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x100_0000_01b3

    @inline(__always) static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h = offsetBasis
        for byte in bytes { h = (h ^ UInt64(byte)) &* prime }
        return h
    }

    /// The id of the word `bytes` (whose hash is `hash`), or nil when it is not in the table.
    @inline(__always) func id(of bytes: UnsafeRawBufferPointer, hash: UInt64) -> Int32? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        return arena.withUnsafeBytes { arena in
            while true {
                let entry = Int(slots[slot])
                if entry == 0 { return nil }
                let key = entry - 1
                if keyHash[key] == hash && Int(keyLength[key]) == bytes.count
                    && (bytes.isEmpty || memcmp(arena.baseAddress! + keyStart[key], bytes.baseAddress!, bytes.count) == 0)
                {
                    return keyID[key]
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Adds the word `bytes` (not yet in the table) with `id`.
    mutating func insert(_ bytes: UnsafeRawBufferPointer, hash: UInt64, id: Int32) {
        if (keyID.count + 1) * 2 > slots.count { grow() }
        keyStart.append(arena.count)
        arena.append(contentsOf: bytes)
        keyLength.append(Int32(bytes.count))
        keyHash.append(hash)
        keyID.append(id)
        place(keyID.count - 1)
    }

    private mutating func place(_ key: Int) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: keyHash[key]) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(key + 1)
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        for key in keyID.indices { place(key) }
    }
}
