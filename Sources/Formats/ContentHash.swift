import Foundation

/// A fast 64-bit hash of bytes (xxHash64's rounds: four lanes of multiply-rotate over 8-byte
/// words), for telling whether a large file changed: several GB/s where a byte-at-a-time CRC
/// does a few hundred MB/s. Not cryptographic; not xxHash64's exact values.
///
/// ```swift
/// ContentHash.hash(UnsafeRawBufferPointer(...))   // the same bytes, the same value
/// ```
public enum ContentHash {
    static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63

    @inline(__always) static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inline(__always) static func round(_ acc: UInt64, _ word: UInt64) -> UInt64 {
        rotl(acc &+ word &* p2, 31) &* p1
    }

    /// The hash of `bytes`, started from `seed`.
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let n = bytes.count
        var (a, b, c, d) = (seed &+ p1 &+ p2, seed &+ p2, seed, seed &- p1)
        var i = 0
        while i + 32 <= n {
            a = round(a, UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            b = round(b, UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)))
            c = round(c, UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)))
            d = round(d, UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)))
            i += 32
        }
        var h = rotl(a, 1) &+ rotl(b, 7) &+ rotl(c, 12) &+ rotl(d, 18) &+ UInt64(n)
        while i + 8 <= n {
            h = rotl(h ^ round(0, UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))), 27) &* p1 &+ p4
            i += 8
        }
        while i < n {
            h = rotl(h ^ (UInt64(bytes[i]) &* p1), 11) &* p1
            i += 1
        }
        h ^= h >> 33
        h = h &* p2
        h ^= h >> 29
        h = h &* p3
        return h ^ (h >> 32)
    }

    /// The hash of `bytes` (an array, a `Data`).
    public static func hash(_ bytes: some ContiguousBytes, seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }
}
