import Testing
import Vectors

/// Character n-grams and their hash buckets match fastText's.
@Suite struct SubwordTests {
    /// Expected values printed by this Python snippet (fastText's `Dictionary::hash`: FNV-1a over
    /// the bytes, each sign-extended as `int8_t` first), and checked there against
    /// `fasttext.train_unsupervised(...).get_subwords(word)` ids (id − nwords == hash % 2000000):
    ///
    ///     def h(s):
    ///         x = 2166136261
    ///         for b in s.encode():
    ///             x ^= (b - 256 if b >= 128 else b) & 0xffffffff
    ///             x = (x * 16777619) & 0xffffffff
    ///         return x
    @Test func hashMatchesFastTextOnKnownStrings() {
        #expect(SubwordHash.hash("<wh") == 1_048_167_652)
        #expect(SubwordHash.hash("where") == 90_969_176)
        #expect(SubwordHash.hash("<where>") == 2_319_392_596)
        // Non-ASCII bytes are sign-extended: plain FNV-1a would give other values here.
        #expect(SubwordHash.hash("été") == 200_187_927)
        #expect(SubwordHash.hash("<é") == 672_036_627)
        #expect(SubwordHash.hash("<naï") == 785_907_692)
    }

    @Test func ngramsOfAWordInFastTextOrder() {
        #expect(
            CharacterNGrams.ngrams(of: "where", minLength: 3, maxLength: 6) == [
                "<wh", "<whe", "<wher", "<where", "whe", "wher", "where", "where>", "her", "here", "here>", "ere", "ere>", "re>"
            ])
        // Multi-byte characters are never split; the whole "<été>" is an n-gram when short enough.
        #expect(CharacterNGrams.ngrams(of: "été", minLength: 3, maxLength: 6) == ["<ét", "<été", "<été>", "été", "été>", "té>"])
        // Lone "<" and ">" are never n-grams, other single characters are.
        #expect(CharacterNGrams.ngrams(of: "ab", minLength: 1, maxLength: 1) == ["a", "b"])
        #expect(CharacterNGrams.ngrams(of: "where", minLength: 3, maxLength: 0).isEmpty)
    }

    @Test func bucketsAreHashModuloBucketCount() {
        let buckets = CharacterNGrams.buckets(ofWordBytes: Array("where".utf8), minLength: 3, maxLength: 6, buckets: 2_000_000)
        #expect(buckets.prefix(4) == [167_652, 989_715, 1_526_707, 1_071_586])
        let accented = CharacterNGrams.buckets(ofWordBytes: Array("été".utf8), minLength: 3, maxLength: 6, buckets: 2_000_000)
        #expect(accented.prefix(4) == [1_908_133, 59617, 999_949, 187_927])
    }

    @Test func tableListsWordRowThenSharedNGramRows() {
        let vocabulary = SkipGramVocabulary(words: ["</s>", "where", "here"], counts: [9, 5, 5])
        let table = SubwordTable(vocabulary: vocabulary, minLength: 3, maxLength: 6, buckets: 2_000_000)
        #expect(table.rows(ofWord: 0) == [0])  // </s> has no n-grams
        let whereRows = table.rows(ofWord: 1)
        let hereRows = table.rows(ofWord: 2)
        #expect(whereRows.first == 1 && whereRows.count == 15)
        #expect(hereRows.first == 2 && hereRows.count == 1 + 10)  // <he <her <here <here> her here here> ere ere> re>
        // "here>", "ere", "ere>", "re>", "her", "here" are shared: the same rows.
        #expect(Set(whereRows).intersection(hereRows).count == 6)
        #expect(table.rowCount == 3 + Set(whereRows.dropFirst() + hereRows.dropFirst()).count)
        #expect(table.rows(ofUnknownWord: "there").allSatisfy { $0 >= 3 && $0 < table.rowCount })
        #expect(!table.rows(ofUnknownWord: "there").isEmpty)  // shares "here>" and more
        let plain = SubwordTable(vocabulary: vocabulary, minLength: 3, maxLength: 0, buckets: 2_000_000)
        #expect(plain.rowCount == 3 && plain.rows(ofWord: 1) == [1] && plain.rows(ofUnknownWord: "there").isEmpty)
    }
}
