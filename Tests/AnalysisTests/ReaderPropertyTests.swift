import Analysis
import Foundation
import PropertyBased
import TestSupport
import Testing

/// The `.vec` and word-pair readers on random bytes (invalid UTF-8 included): each reads or throws
/// its own error, in bounded time, and what it reads is no bigger than the bytes it read; and LF,
/// CRLF and CR forms of one text read alike.
@Suite struct ReaderPropertyTests {
    /// Runs `body`, failing when it takes more than a second (a reader that loops past its input).
    func bounded<T>(_ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        defer { #expect(ContinuousClock.now - start < .seconds(1), "a reader took \(ContinuousClock.now - start)") }
        return try body()
    }

    @Test func vecFilesFromRandomBytesReadOrThrow() async throws {
        let dir = try LineEndings.folder([:])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        await propertyCheck(count: 300, input: RandomText.bytes()) { bytes in
            try Data(bytes).write(to: URL(fileURLWithPath: dir + "/v.vec"))
            do {
                let vectors = try bounded { try WordVectors(contentsOfVecFile: dir + "/v.vec") }
                #expect(vectors.count * (vectors.dimension + 1) <= bytes.count)
            } catch is WordVectorsError {}
        }
    }

    /// A header may claim any number of rows; the reader believes the text, not the claim.
    @Test func vecHeadersClaimingHugeCountsCostNothing() {
        for header in ["1000000000000 2", "9223372036854775807 9223372036854775807", "5 3000000000000"] {
            #expect(throws: WordVectorsError.self) { try bounded { try WordVectors(vecText: "\(header)\na 1 2\n") } }
        }
    }

    @Test func wordPairsFromRandomBytesReadOrThrow() async throws {
        let dir = try LineEndings.folder([:])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        await propertyCheck(count: 300, input: RandomText.bytes()) { bytes in
            try Data(bytes).write(to: URL(fileURLWithPath: dir + "/pairs.txt"))
            do {
                let pairs = try bounded { try readWordPairs(contentsOf: dir + "/pairs.txt") }
                #expect(pairs.count * 5 <= bytes.count)
            } catch is WordSimilarityError {}
        }
    }

    @Test func lfCrlfAndCrTextReadAlike() async {
        await propertyCheck(count: 200, input: RandomText.lfText()) { lf in
            let vectors = try? WordVectors(vecText: lf)
            let pairs = try? readWordPairs(text: lf)
            for form in RandomText.otherForms(of: lf) {
                let other = bounded { try? WordVectors(vecText: form) }
                #expect(other?.words == vectors?.words && other?.matrix.scalars == vectors?.matrix.scalars)
                #expect(bounded { try? readWordPairs(text: form) } == pairs)
            }
        }
    }
}
