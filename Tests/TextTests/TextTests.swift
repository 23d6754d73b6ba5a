import Foundation
import Testing
import Text

@Suite struct CorpusTests {
    func folder(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("perplex-text-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: false, encoding: .utf8) }
        return dir
    }

    @Test func idsFollowTheRecipe() throws {
        let dir = try folder(["train.txt": "a b a\n c\n", "valid.txt": "b d\n", "test.txt": "e\n"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let corpus = try Corpus(directory: dir)
        #expect(corpus.vocabulary.words == ["a", "b", "<eos>", "c", "d", "e"])
        #expect(corpus.train == [0, 1, 0, 2, 3, 2])
        #expect(corpus.valid == [1, 4, 2] && corpus.test == [5, 2])
    }

    @Test func badFoldersNameTheProblem() throws {
        #expect(throws: TextError.missingDirectory("/no/such/dir")) { try Corpus(directory: "/no/such/dir") }
        let dir = try folder(["train.txt": " \n\n", "valid.txt": "a\n", "test.txt": "a\n"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: TextError.empty(dir + "/train.txt")) { try Corpus(directory: dir) }
        let partial = try folder(["train.txt": "a\n"])
        defer { try? FileManager.default.removeItem(atPath: partial) }
        #expect(throws: TextError.missingFile(partial + "/valid.txt")) { try Corpus(directory: partial) }
    }

    @Test func encodeNamesUnknownWords() {
        let vocabulary = Vocabulary(words: ["a", "<eos>"])
        #expect(throws: TextError.unknownWord("zebra")) { try Corpus.encode("a zebra", with: vocabulary) }
        #expect(try! Corpus.encode("a a", with: vocabulary) == [0, 0, 1])
    }

    @Test func batchifyAndWindowsMatchTheRecipe() {
        // 11 tokens, batch 2: trimmed to 10, columns [0..<5] and [5..<10].
        let stream = BatchedStream(Array(0..<11), batchSize: 2)
        #expect(stream.rows == 5 && stream.ids == [0, 5, 1, 6, 2, 7, 3, 8, 4, 9])
        #expect(Array(stream.windowStarts(bptt: 3)) == [0, 3] && stream.windowCount(bptt: 3) == 2)
        let first = stream.batch(at: 0, bptt: 3)
        #expect(first.seqLen == 3 && first.input == [0, 5, 1, 6, 2, 7] && first.target == [1, 6, 2, 7, 3, 8])
        let last = stream.batch(at: 3, bptt: 3)
        #expect(last.seqLen == 1 && last.input == [3, 8] && last.target == [4, 9])
    }
}

@Suite struct BuiltInCorpusTests {
    @Test func deterministicWithAKnownFloor() {
        let a = BuiltInCorpus.make(train: 300, valid: 50, test: 50, seed: 3)
        let b = BuiltInCorpus.make(train: 300, valid: 50, test: 50, seed: 3)
        #expect(a.corpus.train == b.corpus.train && a.test.floorPerplexity == b.test.floorPerplexity)
        // One log-probability per token, <eos> included.
        #expect(a.train.logProbabilities.count == a.corpus.train.count)
        #expect(a.test.floorPerplexity > 5 && a.test.floorPerplexity < 200)
        #expect(a.corpus.vocabulary.count > 150 && a.corpus.vocabulary.count < 400)
    }

    /// The verb agrees with a subject whose determiner fixes its number (checked on sentences
    /// without a relative clause, where the verb follows the noun; singular verb forms end in -s).
    @Test func subjectVerbAgreement() {
        let split = BuiltInCorpus.make(train: 400, valid: 1, test: 1, seed: 5).train
        let singular = Set(["a", "every", "this", "each", "one"])
        let plural = Set(["these", "many", "those", "several", "all"])
        let adjectives = Set(
            "old young big small red green quiet loud happy tired clever brave lazy busy gentle angry strange famous little tall short dark bright cold warm wild proud shy calm rich poor"
                .split(separator: " ").map(String.init))
        var checked = 0
        for line in split.lines where singular.contains(line[0]) || plural.contains(line[0]) {
            var noun = 1
            while adjectives.contains(line[noun]) { noun += 1 }
            guard noun + 1 < line.count, line[noun + 1] != "that" else { continue }
            #expect(line[noun + 1].hasSuffix("s") == singular.contains(line[0]), "\(line)")
            checked += 1
        }
        #expect(checked > 50)
        #expect(split.logProbabilities.allSatisfy { $0 <= 0 && $0.isFinite })
    }
}
