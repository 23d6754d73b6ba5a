import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Happy paths and bad inputs of export-vectors, neighbours, wordsim, ngrams and params.
@Suite struct AnalysisCommandTests {
    let bad = BadInputTests()

    func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// A hand-made .vec: "king" is closest to "queen", then "prince"; "apple" points away.
    let handVectors = "5 3\nking 1 0.1 0\nqueen 0.9 0.2 0\nprince 0.7 0.7 0.1\napple -1 0 0.2\nbanana -0.9 0.1 0.3\n"

    @Test func checkpointToVectorsToNeighboursAndWordsim() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let trained = try CLI.run([
            "train", "--builtin-sentences", "200", "--emsize", "8", "--nhid", "8", "--epochs", "1",
            "--save", dir.path
        ])
        try #require(trained.status == 0, "\(trained.stderr)")

        let vec = dir.appendingPathComponent("words.vec").path
        let exported = try CLI.run(["export-vectors", "--checkpoint", dir.path, "--output", vec])
        #expect(exported.status == 0, "\(exported.stderr)")
        let lines = try String(contentsOfFile: vec, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: " ").compactMap { Int($0) }
        #expect(header.count == 2 && header[0] == lines.count - 1 && header[1] == 8)
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: " ").count == 9 })
        let words = lines.dropFirst().map { String($0.split(separator: " ")[0]) }

        let fromCheckpoint = try CLI.run(["neighbours", "--checkpoint", dir.path, "--word", words[1], "--k", "3"])
        let fromFile = try CLI.run(["neighbours", "--vectors", vec, "--word", words[1], "--k", "3"])
        #expect(fromCheckpoint.status == 0 && fromFile.status == 0, "\(fromCheckpoint.stderr)\(fromFile.stderr)")
        #expect(fromCheckpoint.stdout == fromFile.stdout)
        #expect(fromFile.stdout.split(separator: "\n").count == 4)

        let pairs = try write(
            "\(words[1])\t\(words[2])\t3\n\(words[2]) \(words[3]) 1\n\(words[1])\t\(words[3])\t2\nzebra\t\(words[1])\t5\n",
            "pairs.txt", in: dir)
        for source in [["--checkpoint", dir.path], ["--vectors", vec]] {
            let sim = try CLI.run(["wordsim"] + source + ["--list-oov", pairs])
            #expect(sim.status == 0, "\(sim.stderr)")
            #expect(sim.stdout.contains("pairs.txt") && sim.stdout.contains("3/4"), "\(sim.stdout)")
            #expect(sim.stdout.contains("| 1 out-of-vocabulary pairs"), "\(sim.stdout)")
            #expect(sim.stdout.contains("pairs.txt:4  zebra \(words[1])  (missing: zebra)"), "\(sim.stdout)")
        }
        let tsv = try CLI.run(["wordsim", "--tsv", "--vectors", vec, pairs])
        let row = tsv.stdout.split(separator: "\n").last?.split(separator: "\t").map(String.init) ?? []
        #expect(row.count == 5 && row[0] == "pairs.txt" && row[1] == "3" && row[2] == "4" && row[4] == "1", "\(tsv.stdout)")
        #expect(row.count == 5 && Double(row[3]).map { abs($0) <= 1 } == true, "\(tsv.stdout)")
    }

    @Test func neighboursOfHandMadeVectors() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let vec = try write(handVectors, "hand.vec", in: dir)
        let result = try CLI.run(["neighbours", "--vectors", vec, "--word", "King", "--k", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = result.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ").map(String.init) }
        #expect(rows.map { $0[1] } == ["queen", "prince"])
    }

    @Test func ngramsTableAndLogLogPlot() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try write("the cat sat\nthe cat ran\nthe dog sat\n", "t.txt", in: dir)
        let svg = dir.appendingPathComponent("freq.svg").path
        let result = try CLI.run(["ngrams", "--text", text, "--n", "2", "--top", "2", "--plot", svg])
        #expect(result.status == 0, "\(result.stderr)")
        let out = result.stdout.split(separator: "\n").map(String.init)
        #expect(out[0].contains("12 tokens, 11 2-grams, 8 distinct"), "\(result.stdout)")
        #expect(out[2].split(separator: " ").map(String.init) == ["1", "the", "cat", "2"])
        #expect(out[3].split(separator: " ").map(String.init) == ["2", "sat", "<eos>", "2"])  // <eos> ends every line
        let data = try Data(contentsOf: URL(fileURLWithPath: svg))
        let parser = XMLParser(data: data)
        #expect(parser.parse(), "SVG is not well-formed XML: \(String(describing: parser.parserError))")
        #expect(String(decoding: data, as: UTF8.self).contains("<polyline"))
    }

    @Test func paramsMatchesPyTorchTotal() throws {
        let result = try CLI.run([
            "params", "--model", "LSTM", "--emsize", "200", "--nhid", "200", "--nlayers", "2", "--vocab", "10000", "--tied"
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("| total 2653200 parameters"), "\(result.stdout)")  // scripts/param_counts.py
        #expect(result.stdout.contains("rnn.weight_hh_l1"))
        #expect(!result.stdout.contains("decoder.weight"))
    }

    @Test func badInputs() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let vec = try write(handVectors, "hand.vec", in: dir)
        let ragged = try write("a 1 2\nb 1 2\nc 1\n", "ragged.vec", in: dir)
        let empty = try write("", "empty.vec", in: dir)
        let pairs = try write("king queen 9\nking apple\n", "pairs.txt", in: dir)
        let none = dir.appendingPathComponent("none").path

        try bad.expectError(
            ["export-vectors", "--checkpoint", none, "--output", dir.appendingPathComponent("o.vec").path], "checkpoint not found"
        )
        try bad.expectError(
            ["neighbours", "--vectors", vec, "--word", "qeen"], "word 'qeen' is not in the vocabulary; did you mean 'queen'?")
        try bad.expectError(["neighbours", "--word", "king"], "give --vectors FILE.vec or --checkpoint RUN")
        try bad.expectError(["neighbours", "--vectors", vec, "--checkpoint", dir.path, "--word", "king"], "not both")
        try bad.expectError(["neighbours", "--vectors", ragged, "--word", "a"], "line 3 has 1 values, expected 2 as on line 1")
        try bad.expectError(["neighbours", "--vectors", empty, "--word", "a"], "no vectors (empty file)")
        try bad.expectError(["neighbours", "--vectors", none, "--word", "a"], "file not found")
        try bad.expectError(["neighbours", "--vectors", vec, "--word", "king", "--k", "0"], "--k must be positive")
        try bad.expectError(
            ["wordsim", "--vectors", vec, pairs], "pairs.txt: line 2: expected 'word1 word2 score', found 2 fields")
        try bad.expectError(["wordsim", "--vectors", vec, none], "file not found")
        try bad.expectError(["wordsim", "--vectors", vec], "Missing expected argument")
        try bad.expectError(["ngrams", "--text", none], "file not found")
        try bad.expectError(["ngrams", "--text", empty], "no words in")
        try bad.expectError(["ngrams", "--text", vec, "--n", "0"], "--n must be at least 1")
        try bad.expectError(["ngrams", "--text", vec, "--plot", dir.appendingPathComponent("no/dir/f.svg").path], "cannot write")
        try bad.expectError(["params", "--tied", "--emsize", "8", "--nhid", "16"], "--tied needs --nhid equal to --emsize")
        try bad.expectError(["params", "--model", "Transformer", "--emsize", "10", "--nhead", "3"], "multiple of --nhead")
        try bad.expectError(["params", "--vocab", "0"], "the vocabulary is empty")
    }
}
