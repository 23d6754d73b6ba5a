import Foundation
import Testing
import Text
import Train

/// The token cache beside a corpus folder: written on the first read, mapped on the next, and
/// rebuilt with a one-line notice — never trusted — when it is corrupt, truncated or stale.
@Suite(.serialized) struct TokenCacheTests {
    /// Notices a read gave, collected across its closure.
    final class Notices: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    static func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tokcache-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "a b a c\nd a b\n".write(toFile: dir + "/train.txt", atomically: true, encoding: .utf8)
        try "a b e\n".write(toFile: dir + "/valid.txt", atomically: true, encoding: .utf8)
        try "f a\r\nb\n".write(toFile: dir + "/test.txt", atomically: true, encoding: .utf8)
        return dir
    }

    /// Reads `dir` with `limit`, returning the corpus and the notices.
    static func read(_ dir: String, limit: VocabularyLimit = VocabularyLimit()) throws -> (Corpus, [String]) {
        let notices = Notices()
        var reading = CorpusReading(limit: limit, tokenCache: true, notice: { notices.add($0) })
        reading.routineNoticesFrom = 0
        let corpus = try reading.read(dir, say: { _ in })
        return (corpus, notices.all)
    }

    static func same(_ a: Corpus, _ b: Corpus) -> Bool {
        a.vocabulary == b.vocabulary && a.train == b.train && a.valid == b.valid && a.test == b.test
    }

    static func cacheFile(_ dir: String, _ limit: VocabularyLimit = VocabularyLimit()) -> String {
        dir + "/.perplex/" + TokenCache.fileName(limit)
    }

    @Test func writtenThenMappedWithTheSameIds() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (first, written) = try Self.read(dir)
        #expect(written.contains { $0.contains("token cache written") })
        #expect(Self.same(first, try Corpus(directory: dir)))
        let (second, notices) = try Self.read(dir)
        #expect(notices.count == 1 && notices[0].contains("| token cache ") && notices[0].contains("read in"), "\(notices)")
        #expect(Self.same(first, second))
    }

    @Test func aFlippedByteAnywhereIsRebuilt() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (expected, _) = try Self.read(dir)
        let path = Self.cacheFile(dir)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        for offset in stride(from: 0, to: original.count, by: 3) {
            var bytes = original
            bytes[offset] ^= 0x10
            try bytes.write(to: URL(fileURLWithPath: path))
            let (corpus, notices) = try Self.read(dir)
            #expect(Self.same(corpus, expected), "byte \(offset)")
            #expect(notices.contains { $0.contains("rebuilding") }, "byte \(offset): \(notices)")
        }
    }

    @Test func aTruncatedCacheIsRebuilt() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (expected, _) = try Self.read(dir)
        let path = Self.cacheFile(dir)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        for length in [0, 7, 40, original.count / 2, original.count - 1] {
            try original.prefix(length).write(to: URL(fileURLWithPath: path))
            let (corpus, notices) = try Self.read(dir)
            #expect(Self.same(corpus, expected))
            #expect(notices.contains { $0.contains("corrupt") && $0.contains("rebuilding") }, "\(length): \(notices)")
        }
    }

    @Test func aChangedSourceMakesItStale() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Self.read(dir)
        // The same size, other content: size and time alone would not tell.
        try "f a\r\nc\n".write(toFile: dir + "/test.txt", atomically: true, encoding: .utf8)
        let (corpus, notices) = try Self.read(dir)
        #expect(notices.contains { $0.contains("stale (test.txt changed)") }, "\(notices)")
        #expect(Self.same(corpus, try Corpus(directory: dir)))
    }

    @Test func eachVocabularyLimitHasItsOwnCache() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Self.read(dir)
        let limit = VocabularyLimit(maxWords: 4)
        let (limited, notices) = try Self.read(dir, limit: limit)
        #expect(notices.contains { $0.contains("token cache written") })
        #expect(limited.vocabulary.words == ["a", "b", "<eos>", "<unk>"])
        let (again, hit) = try Self.read(dir, limit: limit)
        #expect(hit.count == 1 && hit[0].contains("read in") && Self.same(limited, again))
        // A cache file renamed to another limit's name is stale, not trusted.
        try? FileManager.default.copyItem(
            atPath: Self.cacheFile(dir, limit), toPath: Self.cacheFile(dir, VocabularyLimit(maxWords: 5)))
        let (five, renamed) = try Self.read(dir, limit: VocabularyLimit(maxWords: 5))
        #expect(renamed.contains { $0.contains("stale (another vocabulary limit)") }, "\(renamed)")
        #expect(five.vocabulary.count == 5)
    }

    @Test func aSmallCorpusReadsQuietlyUntilTheCacheIsBad() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let notices = Notices()
        let reading = CorpusReading(notice: { notices.add($0) })
        _ = try reading.read(dir, say: { _ in })
        _ = try reading.read(dir, say: { _ in })
        #expect(notices.all.isEmpty, "\(notices.all)")
        try Data("junk".utf8).write(to: URL(fileURLWithPath: Self.cacheFile(dir)))
        _ = try reading.read(dir, say: { _ in })
        #expect(notices.all.count == 1 && notices.all[0].contains("corrupt"), "\(notices.all)")
    }

    @Test func offTurnsItOff() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let reading = CorpusReading(tokenCache: false)
        _ = try reading.read(dir, say: { _ in })
        #expect(!FileManager.default.fileExists(atPath: dir + "/.perplex"))
    }
}
