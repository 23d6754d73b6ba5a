/// One byte-pair merge: the tokens `left` and `right`, next to each other inside a piece, become
/// the token `result` (whose bytes are theirs one after the other). A merge's rank is its place
/// in the merge list: lower ranks apply first.
public struct BPEMerge: Sendable, Hashable {
    public var left: Int32
    public var right: Int32
    public var result: Int32

    public init(left: Int32, right: Int32, result: Int32) {
        self.left = left
        self.right = right
        self.result = result
    }

    /// The pair as one key: left in the high half, right in the low.
    @inlinable
    static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }
}

/// A merge as the encoder looks it up: its rank and the token it makes.
struct RankedMerge: Sendable, Equatable {
    var rank: Int32
    var result: Int32
}
