import Analysis
import Tensor
import Testing

@Suite struct WordSimilarityTests {
    @Test func readsTabAndSpaceSeparatedPairs() throws {
        let pairs = try readWordPairs(text: "car\tautomobile\t3.92\n\nsun sunlight  50.0\r\n", path: "p.txt")
        #expect(
            pairs == [
                WordPair(first: "car", second: "automobile", score: 3.92, line: 1),
                WordPair(first: "sun", second: "sunlight", score: 50, line: 3)
            ])
    }

    @Test func badLinesNameTheirLineNumber() {
        #expect(
            throws: WordSimilarityError.badLine(path: "p.txt", line: 2, reason: "expected 'word1 word2 score', found 2 fields")
        ) {
            try readWordPairs(text: "a b 1\na 2\n", path: "p.txt")
        }
        #expect(throws: WordSimilarityError.badLine(path: "p.txt", line: 3, reason: "score 'high' is not a number")) {
            try readWordPairs(text: "a b 1\n\nc d high\n", path: "p.txt")
        }
        #expect(throws: WordSimilarityError.empty("p.txt")) { try readWordPairs(text: "\n", path: "p.txt") }
        #expect(throws: WordSimilarityError.missingFile("/no/pairs.txt")) { try readWordPairs(contentsOf: "/no/pairs.txt") }
        #expect(WordSimilarityError.badLine(path: "p.txt", line: 3, reason: "x").description == "p.txt: line 3: x")
    }

    /// Vectors at angles 0°, 30°, 60°, 90° from "a": cosines 1 (a a), √3/2, 1/2, 0.
    @Test func rhoOverFoundPairsAndOOVReported() throws {
        let r3 = Float(3).squareRoot() / 2
        let v = try WordVectors(
            words: ["a", "b", "c", "d"],
            matrix: Tensor(shape: [4, 2], [1, 0, r3, 0.5, 0.5, r3, 0, 1]))
        let pairs = try readWordPairs(text: "a b 9\nA c 5\na d 1\na zebra 7\nquux b 2\n")
        let result = v.evaluateSimilarity(pairs)
        #expect(result.found == 3 && result.total == 5)
        #expect(abs(result.coverage - 0.6) < 1e-12)
        #expect(result.outOfVocabulary.map(\.line) == [4, 5])
        #expect(abs(result.scored[0].cosine - Double(r3)) < 1e-6)
        #expect(abs(result.scored[2].cosine) < 1e-7)
        #expect(result.spearman == 1)

        let reversed = v.evaluateSimilarity(try readWordPairs(text: "a b 1\na c 5\na d 9\n"))
        #expect(reversed.spearman == -1)
        #expect(v.evaluateSimilarity(try readWordPairs(text: "x y 1\n")).spearman == nil)
    }
}
