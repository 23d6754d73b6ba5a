import Foundation
import Testing

/// `perplex sweep` through the command line: the table, resuming, Ctrl-C, refused grids.
@Suite struct SweepCLITests {
    static let tiny = [
        "--builtin-sentences", "200", "--emsize", "8", "--nhid", "8", "--epochs", "1", "--bptt", "10",
        "--log-interval", "1000"
    ]

    /// The body rows of the Markdown table in `text` (the `| … |` lines after the `| --- |` rule).
    static func tableRows(_ text: String) -> [String] {
        let lines = text.split(separator: "\n").map(String.init)
        guard let rule = lines.firstIndex(where: { $0.hasPrefix("| -") }) else { return [] }
        return Array(lines[(rule + 1)...].prefix { $0.hasPrefix("| ") && $0.hasSuffix(" |") })
    }

    @Test func twoByOneGridTableAndResume() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("sweep").path
        let command = ["sweep", "--grid", "--model=LSTM,GRU", "nlayers=1", "--out", out] + Self.tiny
        let first = try CLI.run(command)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("| sweep run 1/2 model=LSTM,nlayers=1: training in"))
        #expect(first.stdout.contains("| sweep run 2/2 model=GRU,nlayers=1: training in"))
        let rows = Self.tableRows(first.stdout)
        #expect(rows.count == 2, "\(first.stdout)")
        #expect(
            rows.first?.hasPrefix("| LSTM  | 1       |") == true && rows.last?.hasPrefix("| GRU   | 1       |") == true, "\(rows)"
        )
        #expect(Self.tableRows(first.stdout).allSatisfy { $0.split(separator: "|").count == 6 })
        let markdown = try String(contentsOfFile: out + "/results.md", encoding: .utf8)
        #expect(Self.tableRows(markdown) == rows)
        #expect(markdown.hasPrefix("| model | nlayers | params | s/epoch | best valid ppl | test ppl |"), "\(markdown)")
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/results.json")))
            as? [String: Any]
        let runs = json?["runs"] as? [[String: Any]] ?? []
        #expect(runs.map { $0["status"] as? String } == ["finished", "finished"])
        #expect(runs.allSatisfy { ($0["test_ppl"] as? Double ?? 0) > 1 && ($0["parameters"] as? Int ?? 0) > 0 })

        // Each run folder is a perplex train run folder; take away GRU's completion marker.
        let lstm = out + "/model=LSTM,nlayers=1"
        let gru = out + "/model=GRU,nlayers=1"
        for file in ["config.json", "metrics.jsonl", "model.safetensors", "vocab.txt", "curves.svg", "sweep-done.json"] {
            #expect(FileManager.default.fileExists(atPath: lstm + "/" + file), "\(file)")
        }
        let lstmMetrics = try Data(contentsOf: URL(fileURLWithPath: lstm + "/metrics.jsonl"))
        try FileManager.default.removeItem(atPath: gru + "/sweep-done.json")
        let second = try CLI.run(command)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("| sweep run 1/2 model=LSTM,nlayers=1: finished earlier (test ppl"))
        #expect(second.stdout.contains("| sweep run 2/2 model=GRU,nlayers=1 (restarting an unfinished run): training in"))
        #expect(second.stdout.components(separatedBy: "| End of training").count == 2)  // one run trained
        #expect(try Data(contentsOf: URL(fileURLWithPath: lstm + "/metrics.jsonl")) == lstmMetrics)
        let again = Self.tableRows(second.stdout)
        #expect(again.count == 2 && again.first == rows.first, "the finished run's row is reused as recorded")
        #expect(FileManager.default.fileExists(atPath: gru + "/sweep-done.json"))
    }

    /// Ctrl-C (SIGINT to the sweep) stops the running training and the sweep; nothing is marked finished.
    @Test func interruptLeavesAResumableSweep() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("sweep").path
        let (process, stdoutPipe, _) = try CLI.start([
            "sweep", "--grid", "model=LSTM,GRU", "--out", out, "--builtin-sentences", "300",
            "--emsize", "8", "--nhid", "8", "--epochs", "1000", "--log-interval", "1000"
        ])
        let checkpoint = out + "/model=LSTM/model.safetensors"
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: checkpoint) && Date() < deadline { usleep(20_000) }
        kill(process.processIdentifier, SIGINT)
        let stdout = String(decoding: stdoutPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 130)
        #expect(stdout.contains("Exiting from training early"), "\(stdout)")
        #expect(stdout.contains("| sweep stopped during run 1/2; run the same command again to resume"), "\(stdout)")
        #expect(!FileManager.default.fileExists(atPath: out + "/model=LSTM/sweep-done.json"))
        #expect(!FileManager.default.fileExists(atPath: out + "/model=GRU"))
        #expect(Self.tableRows(stdout).allSatisfy { $0.hasSuffix("unfinished |") } && Self.tableRows(stdout).count == 2)
    }

    @Test func badGridsAreRefusedBeforeTraining() throws {
        let bad = BadInputTests()
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("never").path
        let cases: [([String], String)] = [
            (["embsize=8,16"], "unknown grid key 'embsize' in 'embsize=8,16'"),
            (["emsize"], "malformed grid item 'emsize': expected key=v1,v2,..."),
            (["emsize="], "grid key 'emsize' has no values"),
            (["emsize=8,abc"], "run emsize=abc: The value 'abc' is invalid for '--emsize <emsize>'"),
            (["model=LSTM,CNN"], "run model=CNN: The value 'CNN' is invalid for '--model <model>'"),
            (["bptt=5,0"], "run bptt=0: --bptt must be at least 1, got 0"),
            (["tied=yes"], "grid key 'tied' is a flag: its values are true and false, got 'yes'"),
            (["nhid=200,9", "tied=true"], "run nhid=9,tied=true: --tied needs --nhid equal to --emsize")
        ]
        for (grid, message) in cases {
            try bad.expectError(["sweep", "--grid"] + grid + ["--out", out, "--epochs", "1"], message)
        }
        try bad.expectError(
            ["sweep", "--grid", "emsize=8,16", "--out", out, "--emsize", "8"], "--emsize is both a grid key and a train flag")
        try bad.expectError(
            ["sweep", "--grid", "emsize=8,16", "--out", out, "--save", "x"], "--save is chosen per run by the sweep")
        try bad.expectError(["sweep", "--grid", "emsize=8,16", "--out", out, "--bogus", "1"], "Unknown option '--bogus'")
        try bad.expectError(
            ["sweep", "--grid", "emsize=8,16", "--out", out, "--data", "/no/such/data"], "data folder not found: /no/such/data")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
