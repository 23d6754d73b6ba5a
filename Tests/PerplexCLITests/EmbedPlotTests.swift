import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `perplex embed-plot`: t-SNE and PCA plots from .vec files and checkpoints, and bad input.
@Suite struct EmbedPlotTests {
    let bad = BadInputTests()

    /// `count` words in three clusters in 6-D, one named with XML's special characters.
    func clusteredVec(_ count: Int, in dir: URL) throws -> String {
        var text = "\(count) 6\n"
        for i in 0..<count {
            let cluster = i % 3
            let word = i == 0 ? "<unk>&co" : "w\(i)"
            let values = (0..<6).map { t in (t == cluster ? 5.0 : 0) + Double((i * 7 + t * 13) % 11) / 10 }
            text += word + " " + values.map { String($0) }.joined(separator: " ") + "\n"
        }
        let url = dir.appendingPathComponent("words.vec")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func expectWellFormedSVG(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let parser = XMLParser(data: data)
        #expect(
            parser.parse(), "\(path) is not well-formed XML: \(String(describing: parser.parserError))",
            sourceLocation: sourceLocation)
        #expect(String(decoding: data, as: UTF8.self).contains("<circle"), sourceLocation: sourceLocation)
    }

    @Test func tsneAndPCAPlotsWithCoordinates() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let vec = try clusteredVec(60, in: dir)
        let svg = dir.appendingPathComponent("plot.svg").path
        let tsv = dir.appendingPathComponent("xy.tsv").path
        let tsne = try CLI.run([
            "embed-plot", "--vectors", vec, "--words", "50", "--perplexity", "5", "--iterations", "300",
            "--out", svg, "--coords", tsv
        ])
        #expect(tsne.status == 0, "\(tsne.stderr)")
        #expect(tsne.stdout.contains("| 50 words of dimension 6"), "\(tsne.stdout)")
        #expect(tsne.stdout.contains("t-SNE (exact)"), "\(tsne.stdout)")
        #expect(tsne.stdout.contains("| iteration    50/300 | KL "), "\(tsne.stdout)")
        #expect(tsne.stdout.contains("| final KL divergence "), "\(tsne.stdout)")
        try expectWellFormedSVG(svg)
        let rows = try String(contentsOfFile: tsv, encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 51 && rows[0] == "word\tx\ty" && rows[1].hasPrefix("<unk>&co\t"))
        #expect(
            rows.dropFirst().allSatisfy { $0.split(separator: "\t").count == 3 && Double($0.split(separator: "\t")[2]) != nil })

        let bh = try CLI.run([
            "embed-plot", "--vectors", vec, "--perplexity", "5", "--iterations", "100", "--barnes-hut",
            "--out", svg
        ])
        #expect(bh.status == 0, "\(bh.stderr)")
        #expect(bh.stdout.contains("all 60 words") && bh.stdout.contains("Barnes-Hut, theta 0.5"), "\(bh.stdout)")
        #expect(bh.stdout.contains("Z from the tree"), "\(bh.stdout)")

        let pca = try CLI.run(["embed-plot", "--vectors", vec, "--method", "pca", "--out", svg])
        #expect(pca.status == 0, "\(pca.stderr)")
        #expect(pca.stdout.contains("| PCA: the two components explain"), "\(pca.stdout)")
        try expectWellFormedSVG(svg)
    }

    @Test func checkpointVectorsRankedByATextFile() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let trained = try CLI.run([
            "train", "--builtin-sentences", "200", "--emsize", "8", "--nhid", "8", "--epochs", "1",
            "--save", dir.path
        ])
        try #require(trained.status == 0, "\(trained.stderr)")
        let words = try String(contentsOfFile: dir.appendingPathComponent("vocab.txt").path, encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let text = dir.appendingPathComponent("counts.txt")
        try (String(repeating: "\(words[5]) ", count: 3) + "\(words[7])\n").write(to: text, atomically: true, encoding: .utf8)
        let tsv = dir.appendingPathComponent("xy.tsv").path
        let result = try CLI.run([
            "embed-plot", "--checkpoint", dir.path, "--words", "20", "--perplexity", "3", "--iterations", "60",
            "--rank-by", text.path, "--out", dir.appendingPathComponent("p.svg").path, "--coords", tsv
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let first = try String(contentsOfFile: tsv, encoding: .utf8).split(separator: "\n").dropFirst().prefix(2)
            .map { String($0.split(separator: "\t")[0]) }
        #expect(first == [words[5], words[7]], "most frequent first: \(first)")
    }

    /// 2-D vectors (an NPLM with --emsize 2, report 004's section 3.5) are drawn as they are: no
    /// t-SNE or PCA, the coordinates written are the vectors', whatever --method says.
    @Test(arguments: [[], ["--method", "pca"], ["--method", "tsne", "--perplexity", "500"]])
    func twoDimensionalVectorsAreDrawnAsTheyAre(method: [String]) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows: [(word: String, x: Double, y: Double)] = (0..<12).map { (i: Int) in
            let x: Double = Double(i % 5) - 1.5
            let y: Double = Double(i * 7 % 11) / 4
            return ("w\(i)", x, y)
        }
        let vec = dir.appendingPathComponent("plane.vec")
        let text =
            "12 2\n"
            + rows.map { (row: (word: String, x: Double, y: Double)) -> String in "\(row.word) \(row.x) \(row.y)\n" }.joined()
        try text.write(to: vec, atomically: true, encoding: .utf8)
        let (svg, tsv) = (dir.appendingPathComponent("plane.svg").path, dir.appendingPathComponent("plane.tsv").path)
        let result = try CLI.run(["embed-plot", "--vectors", vec.path, "--out", svg, "--coords", tsv] + method)
        #expect(result.status == 0, "\(result.stderr)")
        let ignored = method.isEmpty ? "" : " (--method \(method[1]) ignored)"
        #expect(
            result.stdout.contains(
                "| the vectors have 2 dimensions: drawn at their own coordinates, no t-SNE or PCA\(ignored)\n"),
            "\(result.stdout)")
        #expect(!result.stdout.contains("KL") && !result.stdout.contains("variance"), "\(result.stdout)")
        #expect(result.stdout.contains("| wrote \(svg) (12 of 12 labels placed)"), "\(result.stdout)")
        try expectWellFormedSVG(svg)
        let plot = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(plot.contains(">dimension 1<") && plot.contains(">2-D embedding of 12 words from plane.vec<"))
        let lines = try String(contentsOfFile: tsv, encoding: .utf8).split(separator: "\n").dropFirst()
        let written: [[String]] = lines.map { (line: Substring) -> [String] in line.split(separator: "\t").map(String.init) }
        let expected: [[String]] = rows.map { (row: (word: String, x: Double, y: Double)) -> [String] in
            [row.word, String(row.x), String(row.y)]
        }
        let read: [[String]] = written.map { (fields: [String]) -> [String] in
            [fields[0], String(Double(fields[1]) ?? .nan), String(Double(fields[2]) ?? .nan)]
        }
        #expect(read == expected)
    }

    @Test func badInputs() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let vec = try clusteredVec(10, in: dir)
        let one = dir.appendingPathComponent("one.vec")
        try "alone 1 2 3\n".write(to: one, atomically: true, encoding: .utf8)
        let binary = dir.appendingPathComponent("binary.vec")
        try Data([0xff, 0xfe, 0x00, 0x80]).write(to: binary)
        let out = ["--out", dir.appendingPathComponent("p.svg").path]

        try bad.expectError(["embed-plot", "--vectors", vec, "--words", "0"] + out, "--words must be at least 2 (got 0)")
        try bad.expectError(
            ["embed-plot", "--vectors", vec] + out, "perplexity 30 is too large for 10 points (at most 3 = (n - 1) / 3)")
        try bad.expectError(["embed-plot", "--vectors", one.path] + out, "need at least 2 words to map, the vectors hold 1")
        try bad.expectError(["embed-plot", "--vectors", binary.path] + out, "cannot read")
        try bad.expectError(["embed-plot", "--vectors", dir.appendingPathComponent("none.vec").path] + out, "file not found")
        try bad.expectError(["embed-plot", "--checkpoint", dir.appendingPathComponent("none").path] + out, "checkpoint not found")
        try bad.expectError(["embed-plot", "--vectors", vec, "--perplexity", "2", "--theta=-1"] + out, "theta -1 is invalid")
        try bad.expectError(["embed-plot", "--vectors", vec, "--perplexity", "0"] + out, "perplexity 0 is invalid")
        try bad.expectError(
            ["embed-plot", "--vectors", vec, "--perplexity", "2", "--iterations=-5"] + out, "iterations -5 is invalid")
        try bad.expectError(["embed-plot", "--vectors", vec, "--exact", "--barnes-hut"] + out, "not both")
        try bad.expectError(["embed-plot", "--vectors", vec, "--method", "umap"] + out, "umap")
        try bad.expectError(
            ["embed-plot", "--vectors", vec, "--perplexity", "2", "--rank-by", dir.appendingPathComponent("none.txt").path] + out,
            "file not found")
        try bad.expectError(
            ["embed-plot", "--vectors", vec, "--perplexity", "2", "--out", dir.appendingPathComponent("no/dir/p.svg").path],
            "cannot write")
    }
}
