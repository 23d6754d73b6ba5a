import Foundation

/// How far `WordStreamEncoder` has come through a file: for progress lines.
public struct EncodingProgress: Sendable, Equatable {
    public var path: String
    public var bytesDone: Int
    public var bytes: Int
    public var tokens: Int
    public var words: Int
}

/// The word-LM recipe's tokens (`Corpus.tokenize`'s: words split at whitespace, `<eos>` after each
/// line, lines ended by "\n", "\r\n" or "\r", ids in first-seen order) read straight from a file's
/// bytes: the file is memory-mapped, words are looked up by their bytes (`ByteWordTable`), and ids
/// go to a 32-bit buffer. No `String` per token and no whole-file `String`.
///
/// Token boundaries equal `split(whereSeparator: \.isWhitespace)` over Swift `Character`s
/// exactly: an ASCII line splits at ASCII whitespace (space, tab, VT, FF); a line where
/// `Character`s could differ from bytes — a non-ASCII whitespace (U+0085, U+00A0, U+1680,
/// U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) or a non-ASCII byte beside ASCII
/// whitespace (a combining mark after a space joins the space's `Character`) — is split by
/// `Character`s as before. Words that are canonically equivalent (`String` equality) share an
/// id, as in `Vocabulary`.
public struct WordStreamEncoder {
    public private(set) var vocabulary: Vocabulary
    private var table = ByteWordTable()
    /// How many times each id has been read so far (for `--max-vocab` / `--min-count`).
    public private(set) var counts: [Int] = []

    /// Bytes between progress reports.
    public static let progressInterval = 64 << 20

    public init(vocabulary: Vocabulary = Vocabulary()) {
        self.vocabulary = Vocabulary()
        for word in vocabulary.words { _ = idForNewSpelling(Array(word.utf8), word: word) }
    }

    /// The ids of the file at `path`, growing the vocabulary; a missing, unreadable or non-UTF-8
    /// file, or one without words, is an error naming it.
    public mutating func encodeFile(_ path: String, progress: ((EncodingProgress) -> Void)? = nil) throws(TextError)
        -> TokenIDs
    {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .missingFile(path) }
        if isDirectory.boolValue { throw .directory(path) }
        guard let file = MappedFile(path) else { throw .unreadable(path) }
        let (ids, words) = try encode(file.bytes, source: path, progress: progress)
        guard words > 0 else { throw .empty(path) }
        return ids
    }

    /// The ids of UTF-8 `text` (a byte-order mark at its start dropped), growing the vocabulary.
    public mutating func encode(_ text: String) throws(TextError) -> TokenIDs { try encode(utf8: Array(text.utf8)) }

    /// The ids of the bytes `utf8` (a file's, say), growing the vocabulary; bytes that are not
    /// UTF-8 are `TextError.unreadable("text")`.
    public mutating func encode(utf8: [UInt8]) throws(TextError) -> TokenIDs {
        var result: Result<TokenIDs, TextError> = .failure(.empty("text"))
        utf8.withUnsafeBytes { bytes in
            result = Result { () throws(TextError) in try encode(bytes, source: "text", progress: nil).ids }
        }
        return try result.get()
    }

    /// ASCII bytes that separate words within a line: space, tab, VT, FF.
    @inline(__always) static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0C)
    }

    /// The ids and how many of them are words (not `<eos>`).
    mutating func encode(_ bytes: UnsafeRawBufferPointer, source: String, progress: ((EncodingProgress) -> Void)?)
        throws(TextError) -> (ids: TokenIDs, words: Int)
    {
        // `<eos>` gets its id when the first line ends, after that line's words (first-seen order).
        var eos: Int32 = -1
        var out = TokenIDsBuilder(capacity: bytes.count / 4 + 16)
        var words = 0
        var nextReport = Self.progressInterval
        var pending: [(start: Int, end: Int, hash: UInt64)] = []
        var failure: TextError?
        let (lineFeed, carriageReturn) = (UInt8(ascii: "\n"), UInt8(ascii: "\r"))
        let n = bytes.count
        var i = TextFile.byteOrderMarkLength(bytes)
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return (out.finish(), 0) }
        while i < n {
            // One line: collect its words' byte ranges and hashes, noting non-ASCII bytes.
            pending.removeAll(keepingCapacity: true)
            let lineStart = i
            var nonASCII = false
            var wordStart = -1
            var hash = ByteWordTable.offsetBasis
            while i < n {
                let byte = base[i]
                if byte == lineFeed || byte == carriageReturn { break }
                if Self.isASCIISpace(byte) {
                    if wordStart >= 0 {
                        pending.append((wordStart, i, hash))
                        wordStart = -1
                    }
                } else {
                    if wordStart < 0 {
                        wordStart = i
                        hash = ByteWordTable.offsetBasis
                    }
                    hash = (hash ^ UInt64(byte)) &* ByteWordTable.prime
                    if byte >= 0x80 { nonASCII = true }
                }
                i += 1
            }
            if wordStart >= 0 { pending.append((wordStart, i, hash)) }
            let lineEnd = i
            if i < n {
                i += 1
                if base[i - 1] == carriageReturn, i < n, base[i] == lineFeed { i += 1 }
            }
            let line = UnsafeRawBufferPointer(start: base + lineStart, count: lineEnd - lineStart)
            if nonASCII && Self.needsCharacterSplit(line) {
                guard let text = String(validating: line, as: UTF8.self) else { throw .unreadable(source) }
                for word in text.split(whereSeparator: \.isWhitespace) {
                    let spelling = Array(word.utf8)
                    let id = spelling.withUnsafeBytes { spelling in
                        let hash = ByteWordTable.hash(spelling)
                        return table.id(of: spelling, hash: hash) ?? idForNewSpelling(Array(spelling), word: String(word))
                    }
                    out.append(id)
                    counts[Int(id)] += 1
                    words += 1
                }
            } else {
                for (start, end, hash) in pending {
                    let spelling = UnsafeRawBufferPointer(start: base + start, count: end - start)
                    var id: Int32
                    if let known = table.id(of: spelling, hash: hash) {
                        id = known
                    } else {
                        guard let word = String(validating: spelling, as: UTF8.self) else {
                            failure = .unreadable(source)
                            break
                        }
                        id = idForNewSpelling(Array(spelling), word: word)
                    }
                    out.append(id)
                    counts[Int(id)] += 1
                }
                if let failure {
                    out.discard()
                    throw failure
                }
                words += pending.count
            }
            if eos < 0 { eos = id(ofWord: Vocabulary.eos) }
            out.append(eos)
            counts[Int(eos)] += 1
            if i >= nextReport, let progress {
                progress(EncodingProgress(path: source, bytesDone: i, bytes: n, tokens: out.count, words: vocabulary.count))
                nextReport = i + Self.progressInterval
            }
        }
        // The closing report only for a file long enough to have had reports along the way.
        if n >= Self.progressInterval {
            progress?(EncodingProgress(path: source, bytesDone: n, bytes: n, tokens: out.count, words: vocabulary.count))
        }
        return (out.finish(), words)
    }

    /// The id of `word`, added when new.
    private mutating func id(ofWord word: String) -> Int32 {
        let spelling = Array(word.utf8)
        let known = spelling.withUnsafeBytes { table.id(of: $0, hash: ByteWordTable.hash($0)) }
        return known ?? idForNewSpelling(spelling, word: word)
    }

    /// The id of a spelling not yet in the table: `word`'s id in the vocabulary (a canonically
    /// equivalent word's, or a new one), remembered for these bytes.
    private mutating func idForNewSpelling(_ spelling: [UInt8], word: String) -> Int32 {
        let before = vocabulary.count
        let id = vocabulary.add(word)
        if vocabulary.count > before { counts.append(0) }
        spelling.withUnsafeBytes { spelling in
            let hash = ByteWordTable.hash(spelling)
            if table.id(of: spelling, hash: hash) == nil { table.insert(spelling, hash: hash, id: Int32(id)) }
        }
        return Int32(id)
    }

    /// Whether splitting `line` by Swift `Character`s could differ from splitting its bytes at
    /// ASCII whitespace: it holds a non-ASCII whitespace, or a non-ASCII byte next to an ASCII
    /// whitespace byte (grapheme clusters join a space to a following combining mark, and a
    /// prepended mark to a following space).
    static func needsCharacterSplit(_ line: UnsafeRawBufferPointer) -> Bool {
        let n = line.count
        var i = 0
        while i < n {
            let byte = line[i]
            if byte >= 0x80 {
                if i > 0 && isASCIISpace(line[i - 1]) { return true }
                if i + 1 < n && isASCIISpace(line[i + 1]) { return true }
                let b1 = i + 1 < n ? line[i + 1] : 0
                let b2 = i + 2 < n ? line[i + 2] : 0
                switch byte {
                case 0xC2 where b1 == 0x85 || b1 == 0xA0: return true
                case 0xE1 where b1 == 0x9A && b2 == 0x80: return true
                case 0xE2 where b1 == 0x80 && (b2 <= 0x8A || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF): return true
                case 0xE2 where b1 == 0x81 && b2 == 0x9F: return true
                case 0xE3 where b1 == 0x80 && b2 == 0x80: return true
                default: break
                }
            }
            i += 1
        }
        return false
    }
}
