import Testing
import Text

/// `--max-vocab` / `--min-count`: the most frequent training words keep their ids (in first-seen
/// order), the rest read as `<unk>`, added when the corpus lacks it.
@Suite struct VocabularyLimitTests {
    // train: a×3 b×2 c×1 <eos>×2; valid holds d, never in train.
    static let corpus = Corpus(
        vocabulary: Vocabulary(words: ["a", "b", "c", "<eos>", "d"]), train: [0, 1, 0, 2, 3, 0, 1, 3], valid: [4, 0, 3],
        test: [2, 3])

    @Test func maxWordsKeepsTheMostFrequentAndAddsUnk() {
        let (limited, mapping) = VocabularyLimit(maxWords: 4).apply(to: Self.corpus)
        #expect(limited.vocabulary.words == ["a", "b", "<eos>", "<unk>"])
        #expect(limited.train == [0, 1, 0, 3, 2, 0, 1, 2] && limited.valid == [3, 0, 2] && limited.test == [3, 2])
        #expect(mapping == VocabularyLimit.Mapping(words: 2, tokens: 3, addedUnknown: true))
    }

    @Test func minCountDropsRareWordsAndKeepsAnExistingUnk() {
        let corpus = Corpus(
            vocabulary: Vocabulary(words: ["<unk>", "a", "b", "<eos>"]), train: [1, 1, 2, 0, 3], valid: [2, 3], test: [1, 3])
        let (limited, mapping) = VocabularyLimit(minCount: 2).apply(to: corpus)
        #expect(limited.vocabulary.words == ["<unk>", "a", "<eos>"])
        #expect(limited.train == [1, 1, 0, 0, 2] && limited.valid == [0, 2])
        #expect(mapping == VocabularyLimit.Mapping(words: 1, tokens: 2, addedUnknown: false))
    }

    @Test func roomForAllLeavesTrainWordsAndMapsWordsNeverInTrain() {
        let (roomy, mapping) = VocabularyLimit(maxWords: 100).apply(to: Self.corpus)
        #expect(roomy.vocabulary.words == ["a", "b", "c", "<eos>", "<unk>"] && roomy.valid == [4, 0, 3])
        #expect(mapping == VocabularyLimit.Mapping(words: 1, tokens: 1, addedUnknown: true))
        let inTrain = Corpus(vocabulary: Vocabulary(words: ["a", "<eos>"]), train: [0, 1], valid: [0, 1], test: [1])
        let (same, none) = VocabularyLimit(maxWords: 100, minCount: 1).apply(to: inTrain)
        #expect(same.vocabulary == inTrain.vocabulary && none.words == 0 && none.tokens == 0)
        #expect(VocabularyLimit().isNone)
    }

    @Test func badNumbersAreOneLine() {
        #expect(VocabularyLimit(maxWords: 1).problem?.contains("--max-vocab must be at least 2") == true)
        #expect(VocabularyLimit(minCount: 0).problem?.contains("--min-count must be at least 1") == true)
        #expect(VocabularyLimit(maxWords: 2, minCount: 1).problem == nil)
    }
}
