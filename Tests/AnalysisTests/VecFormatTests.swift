import Analysis
import Foundation
import Tensor
import Testing

@Suite struct VecFormatTests {
    func parse(_ text: String) throws(WordVectorsError) -> WordVectors { try WordVectors(vecText: text, path: "v.vec") }

    func expectError(_ text: String, _ expected: WordVectorsError, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: expected, sourceLocation: sourceLocation) { try parse(text) }
        #expect(!expected.description.contains("\n"), sourceLocation: sourceLocation)
    }

    @Test func readsWithAndWithoutHeader() throws {
        for text in ["3 2\nthe 1 2\ncat 0.5 -1e-3 \ndog -3 4\n", "the 1 2\ncat 0.5 -1e-3\r\ndog\t-3 4"] {
            let v = try parse(text)
            #expect(v.words == ["the", "cat", "dog"])
            #expect(v.matrix.shape == [3, 2])
            #expect(v.matrix.scalars == [1, 2, 0.5, -0.001, -3, 4])
        }
    }

    @Test func multiByteWordsSurviveByteLevelSplitting() throws {
        let v = try parse("café 1 2\nnaïve\u{3000}x 3 4\n日本 5 6\n")
        #expect(v.words == ["café", "naïve\u{3000}x", "日本"])
        #expect(v.index(of: "CAFÉ") == 0)
    }

    @Test func writingAndReadingBackKeepsEveryBit() throws {
        let values: [Float] = [0.1, -1e-7, 3.4028235e38, 1.0 / 3, -0, 12345.678]
        let v = try WordVectors(words: ["a", "b", "c"], matrix: Tensor(shape: [3, 2], values))
        let text = v.vecText()
        #expect(text.hasPrefix("3 2\na "))
        let back = try parse(text)
        #expect(back.words == v.words)
        #expect(back.matrix.scalars.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test func badInputsGiveOneLineErrors() {
        expectError("", .empty("v.vec"))
        expectError("\n  \n", .empty("v.vec"))
        expectError("2 3\n", .empty("v.vec"))
        expectError("a 1 2\nb 1 2\nc 1\n", .raggedRow(path: "v.vec", line: 3, values: 1, expected: 2, firstLine: 1))
        expectError("2 2\na 1 2\nb 1 2 3\n", .raggedRow(path: "v.vec", line: 3, values: 3, expected: 2, firstLine: 2))
        expectError(
            "3 2\na 1 2\nb 1 2\n", .headerMismatch(path: "v.vec", headerCount: 3, headerDimension: 2, rows: 2, dimension: 2))
        expectError(
            "2 5\na 1 2\nb 1 2\n", .headerMismatch(path: "v.vec", headerCount: 2, headerDimension: 5, rows: 2, dimension: 2))
        expectError("a 1 2\nb 1 x\n", .notANumber(path: "v.vec", line: 2, value: "x"))
        expectError("a 1 nan\n", .notANumber(path: "v.vec", line: 1, value: "nan"))
        expectError("a 1 2\nb 3 4\na 5 6\n", .duplicateWord(path: "v.vec", word: "a", line: 3, firstLine: 1))
        expectError("a 1 2\nlonely\n", .noValues(path: "v.vec", line: 2))
    }

    @Test func errorDescriptionsNameTheLine() {
        #expect(
            WordVectorsError.raggedRow(path: "v.vec", line: 3, values: 1, expected: 2, firstLine: 1).description
                == "v.vec: line 3 has 1 values, expected 2 as on line 1")
        #expect(
            WordVectorsError.notANumber(path: "v.vec", line: 2, value: "x").description
                == "v.vec: line 2: 'x' is not a finite number")
    }

    @Test func missingFileIsAnError() {
        #expect(throws: WordVectorsError.missingFile("/no/such.vec")) { try WordVectors(contentsOfVecFile: "/no/such.vec") }
    }

    @Test func wordsAndRowsMustPairUp() throws {
        #expect(throws: WordVectorsError.shapeMismatch(words: 1, shape: [2, 2])) {
            try WordVectors(words: ["a"], matrix: Tensor.zeros([2, 2]))
        }
    }
}
