import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `perplex report` through the command line: the HTML page, the curves, sweep folders, bad input.
@Suite struct ReportCLITests {
    func train(_ folder: URL, model: String) throws {
        let trained = try CLI.run([
            "train", "--model", model, "--save", folder.path, "--epochs", "2", "--builtin-sentences", "200",
            "--emsize", "8", "--nhid", "8", "--bptt", "10", "--log-interval", "1000"
        ])
        try #require(trained.status == 0, "\(trained.stderr)")
    }

    func parses(_ url: URL) throws -> Bool { XMLParser(data: try Data(contentsOf: url)).parse() }

    @Test func pageWithTableCurvesConfigsAndEmbedding() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let alpha = dir.appendingPathComponent("alpha-run")
        let beta = dir.appendingPathComponent("beta&run")
        try train(alpha, model: "LSTM")
        try train(beta, model: "GRU")
        try #"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>the &amp; dog</text></svg>"#
            .write(to: alpha.appendingPathComponent("embedding.svg"), atomically: true, encoding: .utf8)
        let html = dir.appendingPathComponent("out/report.html")
        let result = try CLI.run(["report", alpha.path, beta.path, "--out", html.path, "--log-y"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("| report of 2 runs:"))
        #expect(try parses(html), "report.html is not well-formed XML")
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.contains("<svg") && page.contains("alpha-run") && page.contains("beta&amp;run"))
        #expect(page.contains("<th>run</th><th>model</th>"), "the model column tells the runs apart")
        #expect(page.components(separatedBy: "data:image/svg+xml;base64,").count == 2, "alpha's embedding.svg only")
        #expect(page.contains("No embedding.svg in this run folder"))
        #expect(!page.contains("src=\"http") && !page.contains("href=\"http"), "no external resources")
        let curves = dir.appendingPathComponent("out/curves.svg")
        #expect(try parses(curves))
        #expect(try String(contentsOf: curves, encoding: .utf8).contains("perplexity (log scale)"))
    }

    @Test func sweepFolderGivesAllItsRuns() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sweep = dir.appendingPathComponent("sweep")
        let swept = try CLI.run(["sweep", "--grid", "model=LSTM,GRU", "--out", sweep.path] + SweepCLITests.tiny)
        try #require(swept.status == 0, "\(swept.stderr)")
        let html = sweep.appendingPathComponent("report.html")
        let result = try CLI.run(["report", sweep.path, "--out", html.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(SweepCLITests.tableRows(result.stdout).count == 2)
        #expect(try parses(html))
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(
            page.contains("model=LSTM") && page.contains("model=GRU")
                && page.contains("<th>model</th><th class=\"num\">params</th>"))
        #expect(FileManager.default.fileExists(atPath: sweep.appendingPathComponent("curves.svg").path))
    }

    @Test func badInputIsOneLineError() throws {
        let bad = BadInputTests()
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("r.html").path
        try bad.expectError(["report", dir.path, "--out", out], "is not a run folder (no config.json or metrics.jsonl)")
        try bad.expectError(["report", dir.appendingPathComponent("none").path, "--out", out], "run folder not found")
        let run = dir.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        try "{}".write(to: run.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        try bad.expectError(["report", run.path, "--out", out], "file not found: \(run.path)/metrics.jsonl")
        try "{\"type\":\"epoch\",\"epoch\":1,\"seconds\":1,\"train_loss\":5,\"valid_loss\":4}\nnot json\n"
            .write(to: run.appendingPathComponent("metrics.jsonl"), atomically: true, encoding: .utf8)
        try bad.expectError(["report", run.path, "--out", out], "\(run.path)/metrics.jsonl: line 2: not a JSON object")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
