/// fastText's tokenisation: words are runs of bytes between whitespace (space, tab, newline,
/// carriage return, vertical tab, form feed, NUL) and every newline is also the token `</s>`, so a
/// blank line is one `</s>` and `a b\n` is `a`, `b`, `</s>`. Words are byte strings; UTF-8 passes
/// through untouched.
public enum Tokenizer {
    /// The end-of-line token, as in fastText.
    public static let endOfLine = "</s>"

    private static let delimiter: [Bool] = (0..<256).map { byte in
        [0x20, 0x0A, 0x0D, 0x09, 0x0B, 0x0C, 0x00].contains(byte)
    }

    /// Calls `body` with the bytes of each token of `text` in order (`</s>` for each newline).
    public static func scan(_ text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        Array(endOfLine.utf8).withUnsafeBufferPointer { eol in
            delimiter.withUnsafeBufferPointer { isDelimiter in
                var start = 0
                for i in 0..<text.count {
                    let byte = text[i]
                    guard isDelimiter[Int(byte)] else { continue }
                    if i > start { body(UnsafeBufferPointer(rebasing: text[start..<i])) }
                    if byte == 0x0A { body(eol) }
                    start = i + 1
                }
                if text.count > start { body(UnsafeBufferPointer(rebasing: text[start..<text.count])) }
            }
        }
    }

    /// The tokens of `text` as strings (for tests and small inputs).
    public static func tokens(of text: String) -> [String] {
        var result: [String] = []
        Array(text.utf8).withUnsafeBufferPointer { bytes in
            scan(bytes) { result.append(String(decoding: $0, as: UTF8.self)) }
        }
        return result
    }
}
