/// GPT-2's byte-to-unicode table: every byte as a printable character, so that byte-level tokens
/// can be written in `vocab.json` and `merges.txt`. Bytes that are printable Latin-1 ("!"…"~",
/// "¡"…"¬", "®"…"ÿ") stand for themselves; the other 68 map to U+0100, U+0101, … in byte order
/// (the space, 0x20, becomes "Ġ"; the line feed "Ċ").
///
/// The alphabet's order — by code point of the character — is GPT-2's id order of the 256 byte
/// tokens, and Hugging Face's BPE trainer's order of its initial alphabet.
public enum ByteLevelAlphabet {
    /// The character standing for each byte.
    public static let characters: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            if printable(byte) {
                table[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                table[byte] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// The bytes in alphabet order (sorted by their characters' code points): byte `order[i]` is
    /// the token with id i in a byte-level vocabulary.
    public static let order: [UInt8] = (0..<256).map { UInt8($0) }.sorted {
        characters[Int($0)].value < characters[Int($1)].value
    }

    /// Whether GPT-2 keeps `byte` as its own character.
    private static func printable(_ byte: Int) -> Bool {
        (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
    }

    /// The byte a character stands for, nil for a character outside the alphabet.
    public static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let value = scalar.value
        if value < 256 { return printable(Int(value)) ? UInt8(value) : nil }
        return value < 256 + 68 ? nonPrintable[Int(value) - 256] : nil
    }

    /// The bytes that are not their own character, in byte order (U+0100 + i stands for the i-th).
    private static let nonPrintable: [UInt8] = (0..<256).filter { !printable($0) }.map { UInt8($0) }

    /// `bytes` in the alphabet: the token's spelling in `vocab.json` and `merges.txt`.
    public static func spelling(of bytes: some Sequence<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(characters[Int(byte)]) }
        return String(scalars)
    }

    /// The bytes a spelling stands for; nil when a character is outside the alphabet.
    public static func bytes(of spelling: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        for scalar in spelling.unicodeScalars {
            guard let byte = byte(for: scalar) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
