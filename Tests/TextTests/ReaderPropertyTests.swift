import Foundation
import PropertyBased
import TestSupport
import Testing
import Text

/// The text readers on random bytes (invalid UTF-8 included): each reads or throws its own error,
/// in bounded time, and what it reads is no bigger than the bytes it read; and LF, CRLF and CR
/// forms of one text read alike.
@Suite struct ReaderPropertyTests {
    /// Runs `body`, failing when it takes more than a second (a reader that loops past its input).
    func bounded<T>(_ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        defer { #expect(ContinuousClock.now - start < .seconds(1), "a reader took \(ContinuousClock.now - start)") }
        return try body()
    }

    @Test func corpusFromRandomFilesReadsOrThrows() async throws {
        let dir = try LineEndings.folder([:])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var read = 0
        await propertyCheck(count: 100, input: RandomText.bytes(), RandomText.bytes(), RandomText.bytes()) { train, valid, test in
            for (name, bytes) in [("train.txt", train), ("valid.txt", valid), ("test.txt", test)] {
                try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + name))
            }
            do {
                let corpus = try bounded { try Corpus(directory: dir) }
                // A token takes a byte, an <eos> a line break or the end.
                #expect(corpus.train.count <= train.count + 1 && corpus.test.count <= test.count + 1)
                #expect(corpus.vocabulary.count <= train.count + valid.count + test.count + 1)
                read += 1
            } catch is TextError {}
        }
        #expect(read > 0, "no case was readable: the property says nothing about reading")
    }

    @Test func labelledSentencesFromRandomBytesReadOrThrow() async throws {
        let dir = try LineEndings.folder([:])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var read = 0
        await propertyCheck(count: 200, input: RandomText.bytes(), Gen.bool) { bytes, labelled in
            // Half the cases put a label after every line break, so that some files read.
            let file = labelled ? Array("1 ".utf8) + bytes.flatMap { $0 == 0x0A || $0 == 0x0D ? [$0, 0x31, 0x20] : [$0] } : bytes
            try Data(file).write(to: URL(fileURLWithPath: dir + "/data.txt"))
            do {
                let data = try bounded { try LabelledSentences(contentsOf: dir + "/data.txt") }
                #expect(data.count <= file.count && data.examples.allSatisfy { $0.tokens.count <= LabelledSentences.maxWords })
                read += 1
            } catch is LabelledSentencesError {}
        }
        #expect(read > 0, "no case was readable: the property says nothing about reading")
    }

    @Test func lfCrlfAndCrTextTokenizeAlike() async {
        await propertyCheck(count: 200, input: RandomText.lfText()) { lf in
            var vocabulary = Vocabulary()
            let expected = Corpus.tokenize(lf, adding: &vocabulary)
            let labelled = try? LabelledSentences(parsing: lf, source: "t")
            for form in RandomText.otherForms(of: lf) {
                var other = Vocabulary()
                #expect(bounded { Corpus.tokenize(form, adding: &other) } == expected && other == vocabulary)
                #expect((try? LabelledSentences(parsing: form, source: "t")) == labelled)
            }
        }
    }
}
