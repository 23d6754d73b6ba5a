import Foundation
import Testing
import Text

/// What one input may cost is bounded: a batch size beyond the text, a runaway word or sentence.
@Suite struct BoundedCostTests {
    @Test func batchBeyondTheTokensIsEmptyAtOnce() {
        let stream = BatchedStream(Array(0..<10), batchSize: 1_000_000_000_000)
        #expect(stream.rows == 0 && stream.ids.isEmpty)
    }

    @Test func impossibleBatchSizesAreErrorsBeforeAnyWork() throws {
        let tokens = Array(0..<10)
        #expect(throws: TextError.badBatchSize(1_000_000_000_000)) {
            try BatchedStream(checking: tokens, batchSize: 1_000_000_000_000, source: "t")
        }
        #expect(throws: TextError.badBatchSize(0)) { try BatchedStream(checking: tokens, batchSize: 0, source: "t") }
        #expect(throws: TextError.tooFewForBatch("t", tokens: 10, batchSize: 6)) {
            try BatchedStream(checking: tokens, batchSize: 6, source: "t")
        }
        #expect(try BatchedStream(checking: tokens, batchSize: 5, source: "t").rows == 2)
        #expect(
            TextError.tooFewForBatch("t", tokens: 10, batchSize: 6).description
                == "t has 10 tokens, too few for one batch of 6 (need 12)")
        // The message of any batch size is safe to print, even one whose double overflows.
        #expect(TextError.tooFewForBatch("t", tokens: 1, batchSize: Int.max).description.contains("2 × \(Int.max)"))
    }

    @Test func longWordsAreSpelledByTheirFirstCharacters() {
        let long = String(repeating: "a", count: 20_000) + "z"
        let characters = CharacterVocabulary(words: ["cat", long])
        #expect(characters.wordLength == CharacterVocabulary.maxWordLength && CharacterVocabulary.maxWordLength == 65)
        #expect(characters.cutWords == 1)
        #expect(characters.scalars == ["c", "a", "t"])  // "z" comes after the cut
        let table = characters.table(for: ["cat", long], width: characters.wordLength)
        #expect(table.count == 2 * 65)
        #expect(Array(table[65..<130]) == [1] + Array(repeating: 4, count: 63) + [2])
        // Words within the cap are spelled as before.
        #expect(CharacterVocabulary(words: ["cat", String(repeating: "b", count: 63)]).wordLength == 65)
        #expect(CharacterVocabulary(words: ["cat", "dogs"]).wordLength == 6)
    }

    @Test func overlongSentenceIsRefused() throws {
        let words = Array(repeating: "w", count: LabelledSentences.maxWords)
        let longest = try LabelledSentences(parsing: "1 " + words.joined(separator: " "), source: "t")
        #expect(longest.examples[0].tokens.count == 1000)
        let line = "0 a\n1 " + Array(repeating: "w", count: 100_000).joined(separator: " ")
        #expect(throws: LabelledSentencesError.tooLong("t", line: 2, words: 100_000)) {
            _ = try LabelledSentences(parsing: line, source: "t")
        }
        #expect(
            LabelledSentencesError.tooLong("t", line: 2, words: 100_000).description
                == "t line 2: 100000 words, more than the 1000 a sentence may have")
    }
}
