import Foundation

/// A read-only stream of token ids stored as 32-bit integers (4 bytes a token, half of `[Int]`),
/// held in memory or memory-mapped from a token cache file. Elements read as `Int`, so code written
/// for `[Int]` streams reads it alike; nothing copies it to `[Int]` (a 103M-token split would be
/// 824 MB).
///
/// ```swift
/// let ids: TokenIDs = [3, 1, 4]      // ids[2] == 4, ids.count == 3
/// ```
public struct TokenIDs: RandomAccessCollection, Sendable, Equatable, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// Who keeps the ids alive: an owned buffer (freed with it) or a mapping of a file region
    /// (unmapped with it). Never written after creation, so sharing it across threads is safe.
    final class Storage: @unchecked Sendable {
        let base: UnsafePointer<Int32>?
        let count: Int
        private let release: () -> Void

        init(base: UnsafePointer<Int32>?, count: Int, release: @escaping () -> Void) {
            (self.base, self.count, self.release) = (base, count, release)
        }

        deinit { release() }
    }

    let storage: Storage

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }

    @inlinable public subscript(position: Int) -> Int { Int(int32(at: position)) }

    /// The id at `position` as stored.
    @usableFromInline func int32(at position: Int) -> Int32 {
        precondition(position >= 0 && position < storage.count, "TokenIDs: index \(position) outside 0..<\(storage.count)")
        return storage.base![position]
    }

    /// The ids of `ids`; each must fit in 32 bits (a vocabulary has at most 2³¹ − 1 words).
    public init(_ ids: some Collection<Int>) {
        let buffer = UnsafeMutableBufferPointer<Int32>.allocate(capacity: Swift.max(1, ids.count))
        for (i, id) in ids.enumerated() {
            precondition(id >= Int(Int32.min) && id <= Int(Int32.max), "TokenIDs: id \(id) does not fit in 32 bits")
            buffer[i] = Int32(truncatingIfNeeded: id)
        }
        self.init(owning: buffer, count: ids.count)
    }

    public init(arrayLiteral elements: Int...) { self.init(elements) }

    /// Takes ownership of `buffer`'s first `count` ids (allocated with `allocate`); freed with the
    /// last copy of this value.
    public init(owning buffer: UnsafeMutableBufferPointer<Int32>, count: Int) {
        precondition(count <= buffer.count, "TokenIDs: \(count) ids in a buffer of \(buffer.count)")
        storage = Storage(base: UnsafePointer(buffer.baseAddress), count: count) { buffer.deallocate() }
    }

    /// `count` ids at `base`, inside memory that `owner` keeps alive (a `MappedFile` of a token
    /// cache): no copy is made; the ids must not change while this value lives.
    public init(mapping base: UnsafePointer<Int32>, count: Int, keeping owner: AnyObject & Sendable) {
        storage = Storage(base: base, count: count) { withExtendedLifetime(owner) {} }
    }

    /// The ids as stored, for bulk reads (writing a cache file, counting).
    public func withUnsafeInt32s<R>(_ body: (UnsafeBufferPointer<Int32>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.base, count: storage.count))
    }

    public static func == (lhs: TokenIDs, rhs: TokenIDs) -> Bool {
        lhs.withUnsafeInt32s { a in rhs.withUnsafeInt32s { b in a.elementsEqual(b) } }
    }

    public var description: String { "TokenIDs(\(count) ids\(count <= 20 ? ": \(Array(self))" : ""))" }
}

/// A growing buffer of 32-bit ids that becomes a `TokenIDs` without a copy: what the encoders
/// append to.
struct TokenIDsBuilder {
    private(set) var buffer: UnsafeMutableBufferPointer<Int32>
    private(set) var count = 0

    init(capacity: Int) { buffer = .allocate(capacity: Swift.max(16, capacity)) }

    @inline(__always) mutating func append(_ id: Int32) {
        if count == buffer.count { grow() }
        buffer[count] = id
        count += 1
    }

    private mutating func grow() {
        let larger = UnsafeMutableBufferPointer<Int32>.allocate(capacity: buffer.count * 2)
        _ = larger.initialize(fromContentsOf: buffer)
        buffer.deallocate()
        buffer = larger
    }

    /// The ids so far; the builder must not be used afterwards.
    func finish() -> TokenIDs { TokenIDs(owning: buffer, count: count) }

    /// Frees the buffer of an abandoned build.
    func discard() { buffer.deallocate() }
}
