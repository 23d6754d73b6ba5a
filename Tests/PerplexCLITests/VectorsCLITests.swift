import Foundation
import Testing

/// `perplex vectors`: trains on a small text, writes a .vec that the other commands read, and
/// turns bad input into one-line errors.
@Suite struct VectorsCLITests {
    let bad = BadInputTests()

    /// Lines of words drawn from one of three small topics.
    static let text: String = {
        let topics = [["red", "green", "blue", "yellow"], ["cat", "dog", "horse", "mouse"], ["one", "two", "three", "four"]]
        var state: UInt64 = 3
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        return (0..<600).map { _ in
            let topic = topics[next(topics.count)]
            return (0..<6).map { _ in topic[next(topic.count)] }.joined(separator: " ")
        }.joined(separator: "\n") + "\n"
    }()

    @Test func writesVecThatNeighboursAndWordsimRead() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("text.txt")
        let vec = dir.appendingPathComponent("words.vec")
        try Self.text.write(to: input, atomically: true, encoding: .utf8)
        let oov = dir.appendingPathComponent("extra.txt")
        try "horses red\n".write(to: oov, atomically: true, encoding: .utf8)
        let trained = try CLI.run([
            "vectors", "--input", input.path, "--output", vec.path, "--dim", "12", "--epoch", "5",
            "--minCount", "1", "--thread", "2", "--t", "1", "--bucket", "20000", "--oov-words", oov.path
        ])
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("words/s"), "\(trained.stdout)")
        #expect(trained.stdout.contains("(1 of them from n-grams)"), "\(trained.stdout)")
        #expect(trained.stderr.contains("Progress: 100.0%"), "\(trained.stderr)")

        let lines = try String(contentsOf: vec, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "14 12")  // 12 words, </s>, and "horses" from its n-grams
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: " ").count == 13 })
        #expect(lines.last?.hasPrefix("horses ") == true)

        let neighbours = try CLI.run(["neighbours", "--vectors", vec.path, "--word", "cat", "--k", "3"])
        #expect(neighbours.status == 0, "\(neighbours.stderr)")
        let found = neighbours.stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: " ")[1]) }
        #expect(Set(found).isSubset(of: ["dog", "horse", "mouse", "horses"]), "\(neighbours.stdout)")

        let pairs = dir.appendingPathComponent("pairs.txt")
        try "cat\tdog\t9\nred\tblue\t8\ncat\tone\t1\nred\tthree\t1\n".write(to: pairs, atomically: true, encoding: .utf8)
        let sim = try CLI.run(["wordsim", "--tsv", "--vectors", vec.path, pairs.path])
        #expect(sim.status == 0 && sim.stdout.contains("pairs.txt\t4\t4\t"), "\(sim.stdout)\(sim.stderr)")
    }

    @Test func badInputsGiveOneLineErrors() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.vec").path
        let input = dir.appendingPathComponent("text.txt")
        let empty = dir.appendingPathComponent("empty.txt")
        try "a b c a b b\n".write(to: input, atomically: true, encoding: .utf8)
        try " \n\t".write(to: empty, atomically: true, encoding: .utf8)
        try bad.expectError(["vectors", "--input", "/no/such/file.txt", "--output", out], "file not found: /no/such/file.txt")
        try bad.expectError(["vectors", "--input", empty.path, "--output", out, "--min-count", "1", "--maxn", "0"], "no words in")
        try bad.expectError(["vectors", "--output", out], "at least one --input")
        try bad.expectError(["vectors", "--input", "--output", out], "Missing value for '--input")
        try bad.expectError(
            ["vectors", "--input", input.path, "--output", out, "--min-count", "3"],
            "only one word, 'b', occurs --min-count 3 times")
        try bad.expectError(["vectors", "--input", input.path, "--output", out], "no word occurs --min-count 5 times")
        try bad.expectError(["vectors", "--input", input.path, "--output", out, "--dim", "0"], "--dim 0: must be at least 1")
        try bad.expectError(
            ["vectors", "--input", input.path, "--output", out, "--minn", "4", "--maxn", "3"],
            "--minn 4: must not exceed --maxn 3")
        try bad.expectError(["vectors", "--input", input.path, "--output", out, "--t", "0"], "--t 0")
        try bad.expectError(
            [
                "vectors", "--input", input.path, "--output", dir.appendingPathComponent("no/such/dir/x.vec").path,
                "--minCount", "1"
            ], "cannot write")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
