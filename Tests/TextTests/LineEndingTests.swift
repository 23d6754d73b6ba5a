import Foundation
import TestSupport
import Testing
import Text

/// Every reader in Text gives the same tokens for LF, CRLF and CR files, with or without a
/// byte-order mark: Swift reads "\r\n" as one Character, which once left a CRLF file one line.
@Suite struct LineEndingTests {
    static let text = "the cat sat\n\non the  mat\n  a dog .\n"

    @Test func corpusReadsEveryLineEndingAlike() throws {
        var expected: Corpus?
        for (name, bytes) in LineEndings.variants(of: Self.text) {
            let dir = try LineEndings.folder(["train.txt": bytes, "valid.txt": bytes, "test.txt": bytes])
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let corpus = try Corpus(directory: dir)
            #expect(corpus.train.count == 13, "\(name): \(corpus.vocabulary.words)")
            if let expected {
                #expect(corpus.vocabulary == expected.vocabulary && corpus.train == expected.train, "\(name)")
                #expect(corpus.valid == expected.valid && corpus.test == expected.test, "\(name)")
            } else {
                expected = corpus
            }
        }
    }

    @Test func tokenizeAndEncodeEndEveryLineWithEos() throws {
        var lf = Vocabulary()
        let expected = Corpus.tokenize(Self.text, adding: &lf)
        #expect(expected.filter { lf[$0] == Vocabulary.eos }.count == 4)
        for (name, bytes) in LineEndings.variants(of: Self.text) {
            var vocabulary = Vocabulary()
            #expect(Corpus.tokenize(LineEndings.string(bytes), adding: &vocabulary) == expected, "\(name)")
            #expect(vocabulary == lf, "\(name): \(vocabulary.words)")
            #expect(try Corpus.encode(LineEndings.string(bytes), with: lf) == expected, "\(name)")
        }
    }

    @Test func labelledSentencesReadEveryLineEndingAlike() throws {
        let lf = "5 what is it ?\n\n1 a good film\n0 bad .\n"
        let expected = try LabelledSentences(parsing: lf, source: "t")
        #expect(expected.count == 3 && expected.labels == [0, 1, 5])
        for (name, bytes) in LineEndings.variants(of: lf) {
            #expect(try LabelledSentences(parsing: LineEndings.string(bytes), source: "t") == expected, "\(name)")
            let dir = try LineEndings.folder(["t": bytes])
            defer { try? FileManager.default.removeItem(atPath: dir) }
            #expect(try LabelledSentences(contentsOf: dir + "/t").examples == expected.examples, "\(name)")
        }
    }
}
