import Foundation
import Testing
import Vectors

/// Tokenising, counting and cutting lines as fastText does.
@Suite struct SkipGramCorpusTests {
    @Test func newlinesAreEndOfLineTokensAndBlankLinesCount() {
        #expect(Tokenizer.tokens(of: "a b\n\n c\td\r\ne") == ["a", "b", "</s>", "</s>", "c", "d", "</s>", "e"])
        #expect(Tokenizer.tokens(of: "  ").isEmpty)
        #expect(Tokenizer.tokens(of: "naïve café\n") == ["naïve", "café", "</s>"])
    }

    @Test func vocabularyIsSortedByCountAndDropsRareWords() throws {
        let corpus = try SkipGramCorpus(text: "b a b c\nc b a d\n", minCount: 2)
        let vocabulary = corpus.vocabulary
        // b ×3; a, c, </s> ×2 in order of first appearance; d ×1 dropped.
        #expect(vocabulary.words == ["b", "a", "c", "</s>"])
        #expect(vocabulary.counts == [3, 2, 2, 2])
        #expect(vocabulary.tokenCount == 10)  // every token, d included
        #expect(vocabulary.id(of: "d") == nil && vocabulary.id(of: "c") == 2)
        #expect(corpus.tokens == [0, 1, 0, 2, 3, 2, 0, 1, 3])
        #expect(corpus.lineEnds == [5, 9])
    }

    @Test func longLinesAreCutAndFilesEndLines() throws {
        let long = Array(repeating: "w", count: SkipGramCorpus.maxLineLength + 10).joined(separator: " ")
        let corpus = try SkipGramCorpus(text: long, minCount: 1)
        #expect(corpus.lineEnds == [SkipGramCorpus.maxLineLength, SkipGramCorpus.maxLineLength + 10])

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vectors-corpus-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = dir.appendingPathComponent("1.txt")
        let second = dir.appendingPathComponent("2.txt")
        try "x y".write(to: first, atomically: true, encoding: .utf8)
        try "y x\n".write(to: second, atomically: true, encoding: .utf8)
        let files = try SkipGramCorpus(contentsOf: [first.path, second.path], minCount: 1)
        #expect(files.vocabulary.words == ["x", "y", "</s>"])
        #expect(files.lineEnds == [2, 5])
    }

    @Test func badCorporaThrowDescriptiveErrors() {
        #expect(throws: VectorsError.emptyCorpus(["text"])) { try SkipGramCorpus(text: " \t ", minCount: 1) }
        #expect(throws: VectorsError.emptyCorpus(["text"])) { try SkipGramCorpus(text: "\n\n", minCount: 1) }
        #expect(throws: VectorsError.noFrequentWord(minCount: 5, mostFrequent: "a", count: 3)) {
            try SkipGramCorpus(text: "a b a a", minCount: 5)
        }
        #expect(throws: VectorsError.missingFile("/no/such/file.txt")) {
            try SkipGramCorpus(contentsOf: ["/no/such/file.txt"], minCount: 1)
        }
        let message = VectorsError.noFrequentWord(minCount: 5, mostFrequent: "a", count: 3).description
        #expect(message == "no word occurs --min-count 5 times (the most frequent, 'a', occurs 3 times)")
    }
}
