import Analysis
import Tensor
import Testing

@Suite struct NeighbourTests {
    /// Unit-ish vectors at known angles in the plane, plus a zero vector.
    func vectors() throws -> WordVectors {
        let words = ["east", "northeast", "north", "west", "eastish", "zero"]
        let s = Float(0.5).squareRoot()
        let values: [Float] = [1, 0, s, s, 0, 1, -1, 0, 10, 1, 0, 0]
        return try WordVectors(words: words, matrix: Tensor(shape: [6, 2], values))
    }

    @Test func nearestByCosineNotByLength() throws {
        let v = try vectors()
        let n = try v.neighbours(of: "east", k: 3)
        #expect(n.map(\.word) == ["eastish", "northeast", "north"])
        #expect(abs(n[0].similarity - Float(10 / 101.0.squareRoot())) < 1e-6)
        #expect(abs(n[1].similarity - Float(0.5).squareRoot()) < 1e-6)
        #expect(abs(n[2].similarity) < 1e-6)
    }

    @Test func excludesTheQueryAndListsAllWhenKIsLarge() throws {
        let v = try vectors()
        let n = try v.neighbours(of: "west", k: 100)
        #expect(n.count == 5)
        #expect(!n.contains { $0.word == "west" })
        #expect(n.last?.word == "east")
        #expect(n.map(\.similarity) == n.map(\.similarity).sorted(by: >))
    }

    @Test func blockedProductAgreesWithOneBlock() throws {
        let v = try vectors()
        let index = CosineIndex(v)
        let rows = Array(0..<v.count)
        let whole = index.neighbours(ofRows: rows, k: 3)
        let blocked = index.neighbours(ofRows: rows, k: 3, blockSize: 2)
        #expect(whole == blocked)
        #expect(whole[5].allSatisfy { $0.similarity == 0 })
    }

    @Test func lookupTriesLowercaseAndSuggestsSpellings() throws {
        let v = try vectors()
        #expect(v.index(of: "North") == 2)
        #expect(v.index(of: "NORTH") == 2)
        #expect(throws: WordVectorsError.unknownWord("nort", suggestions: ["north"])) { try v.neighbours(of: "nort") }
        #expect(throws: WordVectorsError.unknownWord("qqqqqq", suggestions: [])) { try v.neighbours(of: "qqqqqq") }
        #expect(
            WordVectorsError.unknownWord("nort", suggestions: ["north", "east"]).description
                == "word 'nort' is not in the vocabulary; did you mean 'north', 'east'?")
    }

    @Test func editDistanceCountsSingleCharacterEdits() {
        #expect(editDistance("kitten", "sitting") == 3)
        #expect(editDistance("", "abc") == 3)
        #expect(editDistance("flaw", "lawn") == 2)
        #expect(editDistance("same", "same") == 0)
    }

    @Test func topKSelectsLargestWithStableTies() {
        let scores: [Float] = [0.5, 0.9, 0.1, 0.9, 0.7, .nan, 0.3]
        let best = topK(3, count: scores.count, score: { scores[$0] })
        #expect(best.map(\.index) == [1, 3, 4])
        #expect(topK(2, count: scores.count, score: { scores[$0] }, include: { $0 != 1 }).map(\.index) == [3, 4])
        #expect(topK(0, count: 5, score: { _ in 1 }).isEmpty)
        #expect(topK(10, count: 3, score: { Float($0) }).map(\.index) == [2, 1, 0])
    }
}
