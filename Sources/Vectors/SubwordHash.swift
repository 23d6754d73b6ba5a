/// fastText's string hash: 32-bit FNV-1a in which each byte is sign-extended first (fastText XORs
/// `uint32_t(int8_t(c))`), so bytes ≥ 0x80 — every non-ASCII UTF-8 byte — flip the top 24 bits too.
/// Matching it bit for bit puts a character n-gram in the same bucket as fastText does.
public enum SubwordHash {
    static let offsetBasis: UInt32 = 2_166_136_261
    static let prime: UInt32 = 16_777_619

    /// The hash of `bytes`.
    public static func hash<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
        var h = offsetBasis
        for byte in bytes { h = step(h, byte) }
        return h
    }

    /// The hash of a string's UTF-8 bytes.
    public static func hash(_ string: String) -> UInt32 { hash(string.utf8) }

    @inline(__always)
    static func step(_ h: UInt32, _ byte: UInt8) -> UInt32 {
        (h ^ UInt32(bitPattern: Int32(Int8(bitPattern: byte)))) &* prime
    }
}

/// Character n-grams of a word as fastText makes them: the word wrapped as `<word>`, every run of
/// `minLength...maxLength` UTF-8 characters (a character never split), except the lone `<` and
/// `>`; the whole `<word>` is one of them when it is short enough.
public enum CharacterNGrams {
    /// The n-gram strings of `word` (for tests and inspection).
    public static func ngrams(of word: String, minLength: Int, maxLength: Int) -> [String] {
        var result: [String] = []
        forEach(in: Array(word.utf8), minLength: minLength, maxLength: maxLength) { bytes, _ in
            result.append(String(decoding: bytes, as: UTF8.self))
        }
        return result
    }

    /// The bucket of each n-gram of `word`: `hash % buckets`, in fastText's order.
    public static func buckets(ofWordBytes word: [UInt8], minLength: Int, maxLength: Int, buckets: Int) -> [Int] {
        var result: [Int] = []
        forEach(in: word, minLength: minLength, maxLength: maxLength) { _, hash in
            result.append(Int(hash % UInt32(truncatingIfNeeded: buckets)))
        }
        return result
    }

    /// Calls `body(bytes, hash)` for each n-gram of `<word>`; the hash grows with the n-gram.
    static func forEach(in word: [UInt8], minLength: Int, maxLength: Int, _ body: (ArraySlice<UInt8>, UInt32) -> Void) {
        guard maxLength > 0 else { return }
        let wrapped = [UInt8(ascii: "<")] + word + [UInt8(ascii: ">")]
        let isContinuation = { (byte: UInt8) in byte & 0xC0 == 0x80 }
        for start in wrapped.indices where !isContinuation(wrapped[start]) {
            var end = start
            var hash = SubwordHash.offsetBasis
            var length = 1
            while end < wrapped.count && length <= maxLength {
                hash = SubwordHash.step(hash, wrapped[end])
                end += 1
                while end < wrapped.count && isContinuation(wrapped[end]) {
                    hash = SubwordHash.step(hash, wrapped[end])
                    end += 1
                }
                if length >= minLength && !(length == 1 && (start == 0 || end == wrapped.count)) {
                    body(wrapped[start..<end], hash)
                }
                length += 1
            }
        }
    }
}
