import PropertyBased

/// Random bytes for property tests of readers: pieces that make structure (line breaks, spaces,
/// numbers, words, a byte-order mark) mixed with single bytes; half the cases hold bytes that are
/// not UTF-8.
public enum RandomText {
    public static let pieces: [[UInt8]] = {
        let structural = [
            "\n", "\r", "\r\n", " ", " ", "\t", "0", "1", "2", "3", "-1e-3", "0.5", "1e999", "nan", "99999999999999999999",
            "the", "cat", "<eos>", "café", "日本", "e\u{301}", ".", "-", "+"
        ].map { Array($0.utf8) }
        let odd: [[UInt8]] = [[0xEF, 0xBB, 0xBF], [0x00], [0x0B], [0x0C]]
        return structural + structural + odd + (0...127).map { [UInt8($0)] }
    }()
    /// Pieces that are not UTF-8: stray lead and continuation bytes, bytes no UTF-8 holds.
    public static let invalidPieces: [[UInt8]] = [[0xFF], [0xC3], [0x80]] + (128...255).map { [UInt8($0)] }

    /// Up to `maxPieces` pieces, as bytes: half the cases valid UTF-8, half with any byte at all
    /// (shrinking drops and simplifies pieces).
    public static func bytes(maxPieces: Int = 200) -> Generator<[UInt8], some Sequence> {
        let all = pieces + invalidPieces
        return zip(Gen.bool, Gen.int(in: 0...(all.count - 1)).array(of: 0...maxPieces)).map { anyBytes, indices in
            indices.filter { anyBytes || $0 < pieces.count }.flatMap { all[$0] }
        }
    }

    /// Text without carriage returns or byte-order marks, so that its other forms can be compared.
    public static func lfText(maxPieces: Int = 200) -> Generator<String, some Sequence> {
        bytes(maxPieces: maxPieces).map { bytes in
            String(
                String.UnicodeScalarView(
                    String(decoding: bytes, as: UTF8.self).unicodeScalars.filter { $0 != "\r" && $0 != "\u{FEFF}" }))
        }
    }

    /// `lf` with CRLF, then CR line breaks, then with a byte-order mark (scalar by scalar: Swift
    /// would read "\r\n" as one Character).
    public static func otherForms(of lf: String) -> [String] {
        let scalars = Array(lf.unicodeScalars)
        let crlf = scalars.flatMap { $0 == "\n" ? ["\r", "\n"] : [$0] }
        let cr = scalars.map { $0 == "\n" ? "\r" : $0 }
        return [crlf, cr, ["\u{FEFF}"] + crlf].map { String(String.UnicodeScalarView($0)) }
    }
}
