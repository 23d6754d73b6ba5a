import Foundation
import Testing
import Text

@Suite struct LabelledSentencesTests {
    @Test func parsesLabelsTokensAndLines() throws {
        let data = try LabelledSentences(parsing: "1 a good film\n\n0 bad .\n3\n", source: "t")
        #expect(
            data.examples == [
                LabelledSentence(label: 1, tokens: ["a", "good", "film"], line: 1),
                LabelledSentence(label: 0, tokens: ["bad", "."], line: 3),
                LabelledSentence(label: 3, tokens: [], line: 4)
            ])
        #expect(data.labels == [0, 1, 3])
    }

    @Test func badInputNamesTheLine() {
        #expect(throws: LabelledSentencesError.missingLabel("t", line: 2)) {
            try LabelledSentences(parsing: "1 fine\ngood film\n", source: "t")
        }
        #expect(throws: LabelledSentencesError.nonIntegerLabel("t", line: 3, label: "1.5")) {
            try LabelledSentences(parsing: "1 a\n0 b\n1.5 c\n", source: "t")
        }
        #expect(throws: LabelledSentencesError.empty("t")) { try LabelledSentences(parsing: "\n  \n", source: "t") }
        #expect(throws: LabelledSentencesError.missingFile("/no/such/file")) {
            try LabelledSentences(contentsOf: "/no/such/file")
        }
        #expect(LabelledSentencesError.missingLabel("t", line: 2).description == "t line 2: no label (expected 'label sentence')")
    }

    @Test func latin1FilesAreRead() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("perplex-latin1-\(UUID()).txt")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data([0x31, 0x20, 0x63, 0x61, 0x66, 0xE9, 0x0A]).write(to: url)  // "1 café" in Latin-1
        let data = try LabelledSentences(contentsOf: url.path)
        #expect(data.examples.first?.tokens == ["café"])
    }

    @Test func vocabularyAndEncodingUseTheSpecialTokens() throws {
        let train = try LabelledSentences(parsing: "1 a b\n0 b c\n", source: "train")
        let vocabulary = ClassificationVocabulary.build(from: train)
        #expect(vocabulary.words == ["<pad>", "<unk>", "a", "b", "c"])
        let test = try LabelledSentences(parsing: "0 c zebra a\n", source: "test")
        let encoded = try EncodedSentences(test, vocabulary: vocabulary, labels: train.labels)
        #expect(encoded.sentences == [[4, 1, 2]] && encoded.classes == [0])
        let unseen = try LabelledSentences(parsing: "0 a\n7 b\n", source: "test")
        #expect(throws: LabelledSentencesError.unknownLabel("test", line: 2, label: 7)) {
            try EncodedSentences(unseen, vocabulary: vocabulary, labels: train.labels)
        }
    }

    @Test func paddingReachesTheLongestSentenceAndTheWidestFilter() {
        let short = PaddedBatch([[5], [6, 7], []], classes: [0, 1, 0], minimumLength: 5)
        #expect(short.length == 5 && short.batchSize == 3)
        #expect(short.ids == [5, 0, 0, 0, 0, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(short.lengths == [1, 2, 1])
        let long = PaddedBatch([[1, 2, 3, 4, 5, 6, 7], [8]], classes: [0, 0], minimumLength: 5)
        #expect(long.length == 7 && long.ids.count == 14 && long.ids[7...] == [8, 0, 0, 0, 0, 0, 0])
    }

    @Test(arguments: [(23, 5), (10, 10), (10662, 10), (7, 2)])
    func kFoldSplitsPartitionTheData(count: Int, k: Int) {
        let folds = KFold(count: count, folds: k, seed: 42)
        let sizes = folds.folds.map(\.count)
        #expect(sizes.count == k && sizes.reduce(0, +) == count && sizes.max()! - sizes.min()! <= 1)
        #expect(Set(folds.folds.flatMap { $0 }) == Set(0..<count))
        for i in 0..<k {
            let (train, test) = folds.split(i)
            #expect(train.count + test.count == count && Set(train).isDisjoint(with: test))
        }
        #expect(KFold(count: count, folds: k, seed: 42).folds == folds.folds)
        if count > 20 { #expect(KFold(count: count, folds: k, seed: 43).folds != folds.folds) }
    }
}
