import Foundation
import TestSupport
import Testing
import Text

/// The word tokenizer reads as `Corpus` does and keeps its vocabulary in `vocab.txt`.
@Suite struct WordTokenizerTests {
    @Test func encodesAsCorpusDoes() throws {
        let text = "the cat sat\non the mat\n"
        let tokenizer = WordTokenizer(text: text)
        var vocabulary = Vocabulary()
        #expect(try tokenizer.encode(text) == Corpus.tokenize(text, adding: &vocabulary))
        #expect(tokenizer.vocabulary == vocabulary)
        #expect(tokenizer.decode(try tokenizer.encode(text)) == "the cat sat\non the mat\n")
    }

    @Test func anUnknownWordIsNamedWithItsLine() {
        do {
            _ = try WordTokenizer(text: "a b\n").encode("a b\nb c\n")
            Issue.record("expected an error")
        } catch { #expect(error.description == "word 'c' at line 2 is not in the vocabulary") }
    }

    @Test func savedFolderLoadsTheSameTokenizer() throws {
        let dir = try LineEndings.folder([:])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tokenizer = WordTokenizer(text: "to be or\nnot to be\n")
        try tokenizer.save(to: dir)
        #expect(try TokenizerFolder.load(from: dir) as? WordTokenizer == tokenizer)
    }
}
