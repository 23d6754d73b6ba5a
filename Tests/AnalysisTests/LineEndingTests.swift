import Analysis
import Foundation
import TestSupport
import Testing

/// `.vec` files and word-similarity files read the same with LF, CRLF or CR line breaks, with or
/// without a byte-order mark.
@Suite struct LineEndingTests {
    @Test func vecFilesReadEveryLineEndingAlike() throws {
        for lf in ["3 2\nthe 1 2\ncat 0.5 -1e-3 \n\ndog -3 4\n", "the 1 2\ncat 0.5 -1e-3\ndog\t-3 4"] {
            let expected = try WordVectors(vecText: lf)
            #expect(expected.words == ["the", "cat", "dog"])
            for (name, bytes) in LineEndings.variants(of: lf) {
                let text = try WordVectors(vecText: LineEndings.string(bytes))
                #expect(text.words == expected.words && text.matrix.scalars == expected.matrix.scalars, "\(name)")
                let dir = try LineEndings.folder(["v.vec": bytes])
                defer { try? FileManager.default.removeItem(atPath: dir) }
                let file = try WordVectors(contentsOfVecFile: dir + "/v.vec")
                #expect(file.words == expected.words && file.matrix.scalars == expected.matrix.scalars, "\(name)")
            }
        }
    }

    @Test func wordPairFilesReadEveryLineEndingAlike() throws {
        let lf = "car\tautomobile\t3.92\n\nsun sunlight  50.0\n"
        let expected = try readWordPairs(text: lf, path: "p")
        #expect(expected.map(\.line) == [1, 3])
        for (name, bytes) in LineEndings.variants(of: lf) {
            #expect(try readWordPairs(text: LineEndings.string(bytes), path: "p") == expected, "\(name)")
            let dir = try LineEndings.folder(["p": bytes])
            defer { try? FileManager.default.removeItem(atPath: dir) }
            #expect(try readWordPairs(contentsOf: dir + "/p").map(\.first) == expected.map(\.first), "\(name)")
        }
    }
}
