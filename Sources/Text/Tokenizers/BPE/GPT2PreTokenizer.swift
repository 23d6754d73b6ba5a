/// GPT-2's pre-tokenizer, by hand: cuts UTF-8 text into the pieces that byte-pair merges stay
/// inside, as the pattern
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// matches it left to right (first alternative that matches wins; quantifiers greedy). So a word
/// keeps the one space before it (" world"), contractions are their own pieces ("don", "'t"),
/// digits and punctuation runs are pieces, and a run of whitespace before a word leaves its last
/// space to that word: "a   b" → "a", "  ", " b" (`\s+(?!\S)` gives back one character).
/// `\s` is Unicode's White_Space, `\p{L}` and `\p{N}` the letter and number categories.
public enum GPT2PreTokenizer {
    /// What the pattern sees in a character.
    @usableFromInline
    enum Kind: UInt8 {
        case letter, number, space, other
    }

    /// The pieces of `text`, as strings.
    public static func pieces(of text: String) -> [String] {
        let bytes = Array(text.utf8)
        var pieces: [String] = []
        bytes.withUnsafeBufferPointer { buffer in
            forEachPiece(in: buffer) { range in pieces.append(String(decoding: buffer[range], as: UTF8.self)) }
        }
        return pieces
    }

    /// Calls `body` with the byte range of each piece of `bytes` (UTF-8; a byte that is not
    /// counts as a character of its own, of kind "other"), in order; the ranges cover the bytes.
    public static func forEachPiece(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) throws -> Void) rethrows {
        let end = bytes.count
        let space = UInt8(ascii: " ")
        let quote = UInt8(ascii: "'")
        var i = 0
        while i < end {
            // 's 't 're 've 'm 'll 'd
            if bytes[i] == quote, i + 1 < end {
                let next = bytes[i + 1]
                if next == UInt8(ascii: "s") || next == UInt8(ascii: "t") || next == UInt8(ascii: "m")
                    || next == UInt8(ascii: "d")
                {
                    try body(i..<(i + 2))
                    i += 2
                    continue
                }
                if i + 2 < end {
                    let third = bytes[i + 2]
                    if (next == UInt8(ascii: "r") && third == UInt8(ascii: "e"))
                        || (next == UInt8(ascii: "v") && third == UInt8(ascii: "e"))
                        || (next == UInt8(ascii: "l") && third == UInt8(ascii: "l"))
                    {
                        try body(i..<(i + 3))
                        i += 3
                        continue
                    }
                }
            }
            // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional space, then a run of one kind.
            var start = i
            if bytes[i] == space, i + 1 < end, kind(in: bytes, at: i + 1).kind != .space { start = i + 1 }
            let (first, firstLength) = kind(in: bytes, at: start)
            if first != .space {
                var j = start + firstLength
                while j < end {
                    let (next, length) = kind(in: bytes, at: j)
                    guard next == first else { break }
                    j += length
                }
                try body(i..<j)
                i = j
                continue
            }
            // `\s+(?!\S)`, else `\s+`: a whitespace run, less its last character when a
            // non-space follows and the run has more than one character.
            var j = i + firstLength
            var last = i
            while j < end {
                let (next, length) = kind(in: bytes, at: j)
                guard next == .space else { break }
                last = j
                j += length
            }
            let stop = (j < end && last > i) ? last : j
            try body(i..<stop)
            i = stop
        }
    }

    /// The kind of the character starting at `i` and its length in bytes.
    @inlinable
    static func kind(in bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (kind: Kind, length: Int) {
        let lead = bytes[i]
        if lead < 0x80 { return (asciiKinds[Int(lead)], 1) }
        let (value, length): (UInt32, Int)
        let needed = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        guard lead >= 0xC0, i + needed <= bytes.count else { return (.other, 1) }  // not UTF-8: one byte of its own
        if lead < 0xE0 {
            (value, length) = (UInt32(lead & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F), 2)
        } else if lead < 0xF0 {
            (value, length) = (UInt32(lead & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F), 3)
        } else {
            value =
                UInt32(lead & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6
                | UInt32(bytes[i + 3] & 0x3F)
            length = 4
        }
        return (kind(of: Unicode.Scalar(value) ?? "\u{FFFD}"), length)
    }

    /// The kinds of the ASCII characters.
    @usableFromInline
    static let asciiKinds: [Kind] = (0..<128).map { kind(of: Unicode.Scalar(UInt8($0))) }

    /// The kind of a character by its Unicode properties.
    @usableFromInline
    static func kind(of scalar: Unicode.Scalar) -> Kind {
        let properties = scalar.properties
        if properties.isWhitespace { return .space }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        case .nonspacingMark, .spacingMark, .enclosingMark, .connectorPunctuation, .dashPunctuation, .openPunctuation,
            .closePunctuation, .initialPunctuation, .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol,
            .modifierSymbol, .otherSymbol, .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format,
            .surrogate, .privateUse, .unassigned:
            return .other
        @unknown default: return .other
        }
    }
}
