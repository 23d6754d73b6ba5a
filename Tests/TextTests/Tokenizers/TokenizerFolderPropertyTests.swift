import Foundation
import PropertyBased
import TestSupport
import Testing
import Text

/// A tokenizer folder whose files are random bytes reads or throws its one-line error, in bounded
/// time; a text of random bytes trains a BPE tokenizer or is refused the same way.
@Suite struct TokenizerFolderPropertyTests {
    func bounded<T>(_ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        defer { #expect(ContinuousClock.now - start < .seconds(1), "took \(ContinuousClock.now - start)") }
        return try body()
    }

    func loads(_ dir: String) -> Bool {
        do {
            _ = try bounded { try TokenizerFolder.load(from: dir) }
            return true
        } catch {
            #expect(!"\(error)".contains("\n"))
            return false
        }
    }

    @Test func randomBPEFilesReadOrThrow() async throws {
        let dir = try LineEndings.folder([:])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bpe = try BPETrainer(vocabularySize: 270).train(texts: ["the cat sat on the mat"])
        try bpe.save(to: dir)
        await propertyCheck(count: 100, input: RandomText.bytes(), Gen.bool) { bytes, replaceVocabulary in
            try bpe.save(to: dir)
            let name = replaceVocabulary ? "vocab.json" : "merges.txt"
            try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + name))
            _ = loads(dir)
        }
    }

    @Test func randomCharFilesReadOrThrow() async throws {
        let dir = try LineEndings.folder([:])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        await propertyCheck(count: 100, input: RandomText.bytes(), Gen.bool) { bytes, replaceHeader in
            try CharTokenizer(text: "abc").save(to: dir)
            try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + (replaceHeader ? "tokenizer.json" : "chars.json")))
            _ = loads(dir)
        }
    }

    @Test func randomTextTrainsOrIsRefused() async throws {
        let dir = try LineEndings.folder([:])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        await propertyCheck(count: 100, input: RandomText.bytes()) { bytes in
            try Data(bytes).write(to: URL(fileURLWithPath: dir + "/input.txt"))
            do {
                let bpe = try bounded { try BPETrainer(vocabularySize: 300).train(files: [dir + "/input.txt"]) }
                let text = try TokenizerText.read(dir + "/input.txt")
                #expect(bpe.decode(bpe.encode(text)) == text)
            } catch { #expect(!"\(error)".contains("\n")) }
        }
    }
}
