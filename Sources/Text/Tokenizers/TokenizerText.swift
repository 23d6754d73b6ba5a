/// How the char and BPE tokenizers read a text file: `TextFile.read` (UTF-8, byte-order mark
/// dropped) with every line break — "\r\n" or a lone "\r" — read as "\n", as Python's text mode
/// (universal newlines) reads it for nanoGPT and Hugging Face, so a file reads the same whatever
/// wrote it. Line breaks are tokens for these kinds, so they must be one kind of token.
public enum TokenizerText {
    /// The text of the file at `path` with "\n" line breaks.
    public static func read(_ path: String) throws(TokenizerError) -> String {
        unifyingLineBreaks(try TextFile.read(path, as: TokenizerError.self))
    }

    /// `text` with "\r\n" and lone "\r" replaced by "\n" (unchanged, and not copied, when it has none).
    public static func unifyingLineBreaks(_ text: String) -> String {
        let carriageReturn = UInt8(ascii: "\r")
        guard text.utf8.contains(carriageReturn) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var afterReturn = false
        for byte in text.utf8 {
            if byte == carriageReturn {
                bytes.append(UInt8(ascii: "\n"))
                afterReturn = true
                continue
            }
            if !(afterReturn && byte == UInt8(ascii: "\n")) { bytes.append(byte) }
            afterReturn = false
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
