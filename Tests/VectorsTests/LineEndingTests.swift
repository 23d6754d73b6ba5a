import Foundation
import TestSupport
import Testing
import Vectors

/// fastText's tokens are the same for LF, CRLF and CR files, with or without a byte-order mark.
@Suite struct LineEndingTests {
    static let text = "the cat sat\n\non the  mat\n  a dog .\n"

    @Test func tokenizerReadsEveryLineEndingAlike() {
        let expected = Tokenizer.tokens(of: Self.text)
        #expect(expected.filter { $0 == Tokenizer.endOfLine }.count == 4)
        for (name, bytes) in LineEndings.variants(of: Self.text) {
            #expect(Tokenizer.tokens(of: LineEndings.string(bytes)) == expected, "\(name)")
        }
    }

    @Test func corpusFilesReadEveryLineEndingAlike() throws {
        let expected = try SkipGramCorpus(text: Self.text, minCount: 1)
        for (name, bytes) in LineEndings.variants(of: Self.text) {
            let dir = try LineEndings.folder(["a.txt": bytes, "b.txt": bytes])
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let corpus = try SkipGramCorpus(contentsOf: [dir + "/a.txt", dir + "/b.txt"], minCount: 1)
            #expect(corpus.vocabulary.words == expected.vocabulary.words, "\(name)")
            #expect(corpus.tokens == expected.tokens + expected.tokens, "\(name)")
        }
    }
}
