import Foundation
import PropertyBased
import TestSupport
import Testing
import Text

/// The streaming encoder reads bytes exactly as `Corpus.tokenize` reads the decoded `String`:
/// the same ids, the same vocabulary in the same order, the same files refused.
@Suite struct WordStreamEncoderTests {
    /// What `Corpus.tokenize` makes of `bytes` as a file (byte-order mark dropped, UTF-8), or nil
    /// when they are not UTF-8.
    static func byStrings(_ bytes: [UInt8]) -> (ids: [Int], words: [String])? {
        let data = Data(bytes).dropFirst(TextFile.byteOrderMarkLength(bytes))
        guard let text = String(data: data, encoding: .utf8) else { return nil }
        var vocabulary = Vocabulary()
        let ids = Corpus.tokenize(text, adding: &vocabulary)
        return (ids, vocabulary.words)
    }

    static func byBytes(_ bytes: [UInt8]) -> (ids: [Int], words: [String])? {
        var encoder = WordStreamEncoder()
        guard let ids = try? encoder.encode(utf8: bytes) else { return nil }
        return (Array(ids), encoder.vocabulary.words)
    }

    @Test func randomBytesReadAsStringsRead() async {
        await propertyCheck(count: 300, input: RandomText.bytes()) { bytes in
            let strings = Self.byStrings(bytes)
            let encoded = Self.byBytes(bytes)
            #expect(strings?.ids == encoded?.ids, "\(bytes)")
            #expect(strings?.words == encoded?.words, "\(bytes)")
        }
    }

    /// Unicode whitespace and grapheme clusters across whitespace: `split(whereSeparator:
    /// \.isWhitespace)`'s boundaries kept.
    @Test(arguments: [
        "a\u{00A0}b c\n", "x\u{2003}y\u{3000}z\u{205F}w\n", "a\u{85}b\u{2028}c\u{2029}d\n", "a \u{301}b c\n",
        "\u{0600} a b\n", "e\u{301} é café\n", "日本 語\r\n語\r日本", "a\u{1680}b\u{202F}c\u{2009}d", " \u{FEFF}a b\n",
        "\u{FEFF}a b\n", "\t\u{0B}a\u{0C}b  \n\n\n", ""
    ])
    func unicodeCasesReadAsStringsRead(text: String) {
        let bytes = Array(text.utf8)
        let strings = Self.byStrings(bytes)
        let encoded = Self.byBytes(bytes)
        #expect(strings?.ids == encoded?.ids, "\(text.debugDescription)")
        #expect(strings?.words == encoded?.words, "\(text.debugDescription)")
    }

    @Test func notUTF8IsUnreadable() {
        var encoder = WordStreamEncoder()
        #expect(throws: TextError.unreadable("text")) { try encoder.encode(utf8: [0x61, 0x20, 0xC3, 0x0A]) }
        #expect(throws: TextError.unreadable("text")) { try encoder.encode(utf8: [0x20, 0xCC, 0x20]) }
    }

    @Test func countsAndProgress() throws {
        var encoder = WordStreamEncoder()
        let ids = try encoder.encode("a b a\nc\n")
        #expect(ids == [0, 1, 0, 2, 3, 2])
        #expect(encoder.counts == [2, 1, 2, 1])
    }
}
