import Foundation
import TestSupport
import Testing
import Text

/// `TextFile`: the one way every reader cuts text into lines.
@Suite struct TextFileTests {
    @Test func linesEndAtLFCRLFAndCR() {
        #expect(TextFile.lines(of: "a b\nc\r\nd\re") == ["a b", "c", "d", "e"])
        #expect(TextFile.lines(of: "a\n\nb\r\n\r\nc\r\rd") == ["a", "", "b", "", "c", "", "d"])
        // "\n\r" is two line breaks, as in Python; "\r\n" is one.
        #expect(TextFile.lines(of: "a\n\rb") == ["a", "", "b"])
    }

    @Test func aFinalLineBreakStartsNoLine() {
        #expect(TextFile.lines(of: "a\n") == ["a"])
        #expect(TextFile.lines(of: "a\r\n") == ["a"])
        #expect(TextFile.lines(of: "a\n\n") == ["a", ""])
        #expect(TextFile.lines(of: "").isEmpty && TextFile.lines(of: "\u{FEFF}").isEmpty)
        #expect(TextFile.lines(of: "\n") == [""])
    }

    @Test func aLeadingByteOrderMarkIsDropped() {
        #expect(TextFile.lines(of: "\u{FEFF}a\r\nb") == ["a", "b"])
        // Only at the start: elsewhere it is text.
        #expect(TextFile.lines(of: "a\n\u{FEFF}b") == ["a", "\u{FEFF}b"])
        #expect(TextFile.byteOrderMarkLength([0xEF, 0xBB, 0xBF, 0x61]) == 3 && TextFile.byteOrderMarkLength([0xEF, 0xBB]) == 0)
    }

    @Test func multiByteCharactersSurviveTheByteLevelCut() {
        #expect(TextFile.lines(of: "café\r\n日本\re\u{301}\n") == ["café", "日本", "e\u{301}"])
    }

    @Test func readingNamesTheFileAtFault() throws {
        let dir = try LineEndings.folder([
            "bom.txt": [0xEF, 0xBB, 0xBF, 0x61, 0x0D, 0x0A], "bad.txt": [0x61, 0xFF], "latin1.txt": [0x63, 0xE9]
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try TextFile.read(dir + "/bom.txt") == "a\r\n")
        #expect(throws: TextFileError.unreadable(dir + "/bad.txt")) { try TextFile.read(dir + "/bad.txt") }
        #expect(try TextFile.read(dir + "/latin1.txt", latin1Fallback: true) == "cé")
        #expect(throws: TextFileError.missing(dir + "/none.txt")) { try TextFile.read(dir + "/none.txt") }
        #expect(throws: TextFileError.directory(dir)) { try TextFile.read(dir) }
    }
}
