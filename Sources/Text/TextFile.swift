import Foundation

/// Why `TextFile` could not read a file; each reader turns it into its own error naming the path.
public enum TextFileError: Error, Equatable, Sendable {
    case missing(String)
    /// The path names a folder where a text file is expected.
    case directory(String)
    case unreadable(String)
}

/// An error type a text reader throws, with the three ways reading a file fails (enum cases with
/// these names conform as they are).
public protocol TextFileReadingError: Error {
    static func missingFile(_ path: String) -> Self
    static func directory(_ path: String) -> Self
    static func unreadable(_ path: String) -> Self
}

/// How every reader of text files gets their text and lines, so that a file reads the same
/// whatever wrote it: lines end at "\n", "\r\n" or a lone "\r" (Python's universal newlines), and a
/// UTF-8 byte-order mark at the start is dropped (Windows editors write both).
///
/// Why not `split(separator: "\n")`: Swift reads "\r\n" as one `Character`, so splitting a `String`
/// on "\n" leaves a CRLF file in one piece — one line, one `<eos>`, one sentence.
///
/// ```swift
/// TextFile.lines(of: "\u{FEFF}a b\r\nc\rd\n")   // ["a b", "c", "d"]
/// ```
public enum TextFile {
    /// UTF-8's byte-order mark, EF BB BF.
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// How many leading bytes of `bytes` are a byte-order mark: 3 or 0.
    @inlinable
    public static func byteOrderMarkLength<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Int {
        bytes.starts(with: byteOrderMark) ? byteOrderMark.count : 0
    }

    /// The bytes of the file at `path`, its byte-order mark dropped.
    public static func bytes(_ path: String) throws(TextFileError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .missing(path) }
        if isDirectory.boolValue { throw .directory(path) }
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path) }
        return data.dropFirst(byteOrderMarkLength(data))
    }

    /// The text of the file at `path`: UTF-8 without its byte-order mark; with `latin1Fallback`,
    /// bytes that are not UTF-8 read as Latin-1 (every byte sequence is valid Latin-1), else they
    /// are an error.
    public static func read(_ path: String, latin1Fallback: Bool = false) throws(TextFileError) -> String {
        let data = try bytes(path)
        if let text = String(data: data, encoding: .utf8) { return text }
        if latin1Fallback, let text = String(data: data, encoding: .isoLatin1) { return text }
        throw .unreadable(path)
    }

    /// `read(_:latin1Fallback:)` with its failure as the reader's own error.
    public static func read<Failure: TextFileReadingError>(_ path: String, latin1Fallback: Bool = false, as _: Failure.Type)
        throws(Failure) -> String
    {
        do { return try read(path, latin1Fallback: latin1Fallback) } catch {
            switch error {
            case .missing(let path): throw .missingFile(path)
            case .directory(let path): throw .directory(path)
            case .unreadable(let path): throw .unreadable(path)
            }
        }
    }

    /// The lines of `text` without their line breaks ("\n", "\r\n" or "\r") and without a leading
    /// byte-order mark. As Python's file iteration: a final line break does not start another line,
    /// so "a\n" is one line and "" none.
    public static func lines(of text: String) -> [Substring] {
        var lines: [Substring] = []
        let utf8 = text.utf8
        // Bytes, not Characters: line breaks are ASCII, so cutting UTF-8 at them never splits a
        // character, and grapheme breaking would cost seconds on a large corpus.
        forEachLine(in: utf8) { range in lines.append(Substring(utf8[range])) }
        return lines
    }

    /// Calls `body` with the range of each line of `bytes` (UTF-8), by the rules of `lines(of:)`;
    /// a line's range ends before its line break, so only an unended last line reaches the end.
    /// Inlinable, so that a byte loop over a large corpus is specialised where it is called.
    @inlinable
    public static func forEachLine<Bytes: BidirectionalCollection<UInt8>>(
        in bytes: Bytes, _ body: (Range<Bytes.Index>) throws -> Void
    ) rethrows {
        let (lineFeed, carriageReturn) = (UInt8(ascii: "\n"), UInt8(ascii: "\r"))
        var start = bytes.index(bytes.startIndex, offsetBy: byteOrderMarkLength(bytes))
        var i = start
        while i != bytes.endIndex {
            let byte = bytes[i]
            guard byte == lineFeed || byte == carriageReturn else {
                bytes.formIndex(after: &i)
                continue
            }
            try body(start..<i)
            bytes.formIndex(after: &i)
            if byte == carriageReturn, i != bytes.endIndex, bytes[i] == lineFeed { bytes.formIndex(after: &i) }
            start = i
        }
        if start != bytes.endIndex { try body(start..<bytes.endIndex) }
    }
}
