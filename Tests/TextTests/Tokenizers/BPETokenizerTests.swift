import Foundation
import PropertyBased
import TestSupport
import Testing
import Text

/// Byte-level BPE: training by Hugging Face's rules, encoding, its GPT-2 files, its errors.
@Suite struct BPETokenizerTests {
    static let text = """
        First Citizen:
        Before we proceed any further, hear me speak.

        All:
        Speak, speak. We're all resolved rather to die than to famish? 1,024 ducats — café, naïve!
        """

    @Test func theAlphabetIsGPT2s() {
        #expect(ByteLevelAlphabet.spelling(of: Array(" \n!é".utf8)) == "ĠĊ!Ã©")
        #expect(ByteLevelAlphabet.order.prefix(3) == [33, 34, 35])
        #expect(ByteLevelAlphabet.order[188] == 0)
        #expect(ByteLevelAlphabet.bytes(of: "ĠĊ!Ã©") == Array(" \n!é".utf8))
        #expect(ByteLevelAlphabet.bytes(of: "☃") == nil)
    }

    @Test func mergesTheMostFrequentPairAndBreaksTiesBySmallestIds() throws {
        let bpe = try BPETrainer(vocabularySize: 258).train(texts: ["aaab"])
        let a = Int32(ByteLevelAlphabet.order.firstIndex(of: UInt8(ascii: "a"))!)
        let b = Int32(ByteLevelAlphabet.order.firstIndex(of: UInt8(ascii: "b"))!)
        // (a, a) occurs twice; then (aa, a) and (a, b) once each: (a, b) has the smaller left id.
        #expect(bpe.merges == [BPEMerge(left: a, right: a, result: 256), BPEMerge(left: a, right: b, result: 257)])
        #expect(bpe.encode("aaab") == [256, 257])
        #expect(bpe.encode("aaaab") == [256, 256, Int(b)])
    }

    @Test func trainingIsDeterministic() throws {
        let trainer = try BPETrainer(vocabularySize: 320)
        let first = trainer.train(texts: [Self.text])
        #expect(first.vocabularySize == 320)
        #expect(trainer.train(texts: [Self.text]) == first)
        #expect(first.encode(Self.text).count < Self.text.utf8.count / 2)
    }

    @Test func encodeThenDecodeGivesAnyText() async throws {
        let bpe = try BPETrainer(vocabularySize: 400).train(texts: [Self.text])
        await propertyCheck(count: 300, input: RandomText.lfText()) { text in
            let ids = bpe.encode(text)
            #expect(ids.allSatisfy { (0..<bpe.vocabularySize).contains($0) })
            #expect(bpe.decode(ids) == text)
        }
    }

    @Test func encodingIsPieceByPiece() throws {
        let bpe = try BPETrainer(vocabularySize: 400).train(texts: [Self.text])
        let text = "We're to speak, all of us;  further  \n"
        #expect(bpe.encode(text) == GPT2PreTokenizer.pieces(of: text).flatMap { bpe.encode($0) })
    }

    @Test func vocabJSONAndMergesTxtRoundTrip() throws {
        let dir = try LineEndings.folder([:])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bpe = try BPETrainer(vocabularySize: 350).train(texts: [Self.text + "\"quoted\" back\\slash"])
        try bpe.save(to: dir)
        let merges = try String(contentsOfFile: dir + "/merges.txt", encoding: .utf8)
        #expect(merges.hasPrefix("#version: 0.2\n"))
        #expect(merges.split(separator: "\n").count == bpe.merges.count + 1)
        let vocabulary = try JSONDecoder().decode(
            [String: Int].self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/vocab.json")))
        #expect(vocabulary["Ġ"] == ByteLevelAlphabet.order.firstIndex(of: 32))
        #expect(vocabulary.count == 350)
        let loaded = try TokenizerFolder.load(from: dir)
        #expect(loaded as? BPETokenizer == bpe)
        #expect(try loaded.encode(Self.text) == bpe.encode(Self.text))
    }

    @Test func aVocabularyBelowTheBytesIsRefused() {
        #expect(throws: TokenizerError.vocabularyTooSmall(255, minimum: 256)) { try BPETrainer(vocabularySize: 255) }
        #expect(
            TokenizerError.vocabularyTooSmall(100, minimum: 256).description
                == "byte-level BPE needs a vocabulary of at least 256 (the 256 bytes), got 100")
    }

    @Test func brokenFilesAreOneLineErrorsNamingThem() throws {
        let dir = try LineEndings.folder([:])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bpe = try BPETrainer(vocabularySize: 260).train(texts: [Self.text])
        try bpe.save(to: dir)
        func message() -> String {
            do {
                _ = try TokenizerFolder.load(from: dir)
                return ""
            } catch { return error.description }
        }
        let merges = dir + "/merges.txt"
        try Data("#version: 0.2\nĠ t h\n".utf8).write(to: URL(fileURLWithPath: merges))
        #expect(message() == "cannot read tokenizer \(merges): line 2 is not two tokens separated by one space")
        try Data("#version: 0.2\nĠ ☃\n".utf8).write(to: URL(fileURLWithPath: merges))
        #expect(message() == "cannot read tokenizer \(merges): line 2 names a token that is not in vocab.json")
        try FileManager.default.removeItem(atPath: merges)
        #expect(message() == "cannot read tokenizer \(merges): file not found")
        try Data(#"{"a": 0, "b": 0}"#.utf8).write(to: URL(fileURLWithPath: dir + "/vocab.json"))
        #expect(message().hasPrefix("cannot read tokenizer \(dir)/vocab.json: ids must be 0..<2, each once"))
    }

    @Test func trainingReadsFilesWithAnyLineEndings() throws {
        var expected: BPETokenizer?
        for variant in LineEndings.variants(of: Self.text) {
            let dir = try LineEndings.folder(["input.txt": variant.bytes])
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let bpe = try BPETrainer(vocabularySize: 300).train(files: [dir + "/input.txt"])
            if let expected { #expect(bpe == expected, "\(variant.name)") } else { expected = bpe }
        }
    }
}
