import Foundation
import TestSupport
import Testing
import Text

/// The character tokenizer: nanoGPT's sorted character set, round trips, its folder, its errors.
@Suite struct CharTokenizerTests {
    @Test func vocabularyIsTheSortedSetOfCharacters() {
        let tokenizer = CharTokenizer(text: "hello, wörld!\nHi")
        #expect(tokenizer.characters.map(String.init).joined() == "\n !,Hdehilorwö")
        #expect(tokenizer.vocabularySize == 14)
        #expect(tokenizer.kind == .char)
    }

    @Test func encodeThenDecodeGivesTheText() throws {
        let text = "First Citizen:\nBefore we proceed any further, hear me speak. — ça va? 日本\n"
        let tokenizer = CharTokenizer(text: text)
        let ids = try tokenizer.encode(text)
        #expect(ids.count == text.unicodeScalars.count)
        #expect(tokenizer.decode(ids) == text)
        #expect(try tokenizer.encode("hear") == ["h", "e", "a", "r"].map { tokenizer.id(of: $0)! })
    }

    @Test func unknownCharactersAreNamedWithTheirPlace() {
        let tokenizer = CharTokenizer(text: "abc\n")
        #expect(throws: TokenizerError.self) { try tokenizer.encode("ab\nxcé") }
        do {
            _ = try tokenizer.encode("ab\nxcéx")
        } catch {
            #expect(
                error.description
                    == "character 'x' (U+0078) at line 2, column 1 is not among the tokenizer's 4 characters (also unknown: 'é' (U+00E9))"
            )
            #expect(error.inFile("data/t.txt").description.contains("at line 2, column 1 of data/t.txt"))
        }
    }

    @Test func aFileSplitsNinetyTenAsNanoGPT() throws {
        let text = String(repeating: "abcdefghi\n", count: 7) + "é"  // 71 characters
        let split = SplitText(text: text, source: "input.txt")
        #expect(split.train.characterCount == 63 && split.valid.characterCount == 8)  // int(71 * 0.9) = 63
        #expect(split.train.text + split.valid.text == text && split.test == nil)
        #expect(split.valid.line == 7 && split.valid.column == 4)
        let streams = try split.encoded(with: CharTokenizer(text: split.all))
        #expect(streams.train.ids.count == 63 && streams.valid.ids.count == 8 && streams.test == nil)
    }

    @Test func anUnknownCharacterInTheValidPartIsPlacedInTheFile() {
        let split = SplitText(text: String(repeating: "ab\n", count: 10) + "abc", source: "input.txt")
        do {
            _ = try split.encoded(with: CharTokenizer(text: "ab\n"))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("character 'c' (U+0063) at line 11, column 3 of input.txt"))
        }
    }

    @Test func dataFoldersReadAlikeWhateverTheirLineEndings() throws {
        var expected: TokenStreams?
        for variant in LineEndings.variants(of: "to be\nor not\n") {
            let dir = try LineEndings.folder(["train.txt": variant.bytes, "valid.txt": variant.bytes, "test.txt": variant.bytes])
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let data = try SplitText.read(dir)
            let streams = try data.encoded(with: CharTokenizer(text: data.all))
            if let expected { #expect(streams == expected, "\(variant.name)") } else { expected = streams }
            #expect(streams.train.characters == 13)
        }
    }

    @Test func savedFolderLoadsTheSameTokenizer() throws {
        let dir = try LineEndings.folder([:])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tokenizer = CharTokenizer(text: "a \"quoted\" line\n\t\\ and ☃")
        try tokenizer.save(to: dir)
        let loaded = try TokenizerFolder.load(from: dir)
        #expect(loaded as? CharTokenizer == tokenizer)
    }

    @Test func missingOrBrokenFoldersAreOneLineErrors() throws {
        let dir = try LineEndings.folder(["tokenizer.json": Array(#"{"kind": "char", "vocabularySize": 2}"#.utf8)])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func message(_ folder: String) -> String {
            do {
                _ = try TokenizerFolder.load(from: folder)
                return ""
            } catch { return error.description }
        }
        #expect(message(dir + "/none") == "cannot read tokenizer \(dir)/none: no such folder")
        #expect(message(dir) == "cannot read tokenizer \(dir)/chars.json: file not found")
        try Data(#"["a", "bc"]"#.utf8).write(to: URL(fileURLWithPath: dir + "/chars.json"))
        #expect(message(dir) == "cannot read tokenizer \(dir)/chars.json: entry 2 is not one character")
        try Data(#"{"kind": "chars"}"#.utf8).write(to: URL(fileURLWithPath: dir + "/tokenizer.json"))
        #expect(message(dir).hasPrefix("cannot read tokenizer \(dir)/tokenizer.json: not the expected JSON"))
        for text in [message(dir + "/none"), message(dir)] { #expect(!text.contains("\n")) }
    }
}
