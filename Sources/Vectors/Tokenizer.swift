import Text

/// fastText's tokenisation: words are runs of bytes between whitespace (space, tab, newline,
/// carriage return, vertical tab, form feed, NUL) and every line break is also the token `</s>`, so
/// a blank line is one `</s>` and `a b\n` is `a`, `b`, `</s>`. Words are byte strings; UTF-8 passes
/// through untouched. Line breaks are `TextFile`'s, as in every reader of Perplex: "\n", "\r\n" and a
/// lone "\r" (fastText itself ends lines only at "\n"), and a byte-order mark at the start of a
/// text is dropped, so LF, CRLF and CR files give the same tokens.
public enum Tokenizer {
    /// The end-of-line token, as in fastText.
    public static let endOfLine = "</s>"

    private static let delimiter: [Bool] = (0..<256).map { byte in
        [0x20, 0x0A, 0x0D, 0x09, 0x0B, 0x0C, 0x00].contains(byte)
    }

    /// Calls `body` with the bytes of each token of `text` in order (`</s>` for each line break).
    public static func scan(_ text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        Array(endOfLine.utf8).withUnsafeBufferPointer { eol in
            delimiter.withUnsafeBufferPointer { isDelimiter in
                TextFile.forEachLine(in: text) { line in
                    var start = line.lowerBound
                    for i in line where isDelimiter[Int(text[i])] {
                        if i > start { body(UnsafeBufferPointer(rebasing: text[start..<i])) }
                        start = i + 1
                    }
                    if line.upperBound > start { body(UnsafeBufferPointer(rebasing: text[start..<line.upperBound])) }
                    // Only the last line of a text can end without a line break.
                    if line.upperBound < text.count { body(eol) }
                }
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
