import Foundation
import Testing

/// `--adaptive --cutoffs --div-value` through the command line: the kinds with a linear decoder
/// train with it, the checkpoint carries it and evaluates and generates; bad values and kinds
/// it does not fit are one-line errors.
@Suite struct AdaptiveSoftmaxCLITests {
    // The built-in corpus of 200 sentences has about 200 words.
    static let tiny = SentenceContextCLITests.tiny

    @Test(arguments: ["LSTM", "Transformer"])
    func trainEvaluateGenerate(kind: String) throws {
        let run = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: run) }
        let trained = try CLI.run(
            ["train", "--model", kind, "--adaptive", "--cutoffs", "20,60", "--div-value", "2", "--save", run.path]
                + Self.tiny + (kind == "Transformer" ? ["--emsize", "12"] : []))
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("| test acc"), "\(trained.stdout)")
        let config = try String(contentsOf: run.appendingPathComponent("config.json"), encoding: .utf8)
        #expect(config.contains("adaptiveSoftmax") && config.contains("divValue"), "\(config)")

        let text = run.appendingPathComponent("sample.txt")
        try "the dog runs\nevery cat sees a bird\n".write(to: text, atomically: false, encoding: .utf8)
        let evaluated = try CLI.run([
            "evaluate", "--checkpoint", run.path, "--text", text.path, "--batch-size", "2", "--bptt", "3"
        ])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        #expect(evaluated.stdout.contains("| ppl"), "\(evaluated.stdout)")
        let generated = try CLI.run([
            "generate", "--checkpoint", run.path, "--words", "12", "--prompt", "the dog", "--seed", "5", "--top-k", "5",
            "--temperature", "0.8"
        ])
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(generated.stdout.hasPrefix("the dog"), "\(generated.stdout)")
    }

    @Test func paramsCountsTheAdaptiveDecoder() throws {
        // scripts/param_counts.py: PyTorch's LSTM with AdaptiveLogSoftmaxWithLoss(200, 10000, [2000, 6000]).
        let result = try CLI.run(["params", "--model", "LSTM", "--vocab", "10000", "--adaptive", "--cutoffs", "2000,6000"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("3,304,000") || result.stdout.contains("3304000"), "\(result.stdout)")
    }

    func expectError(_ arguments: [String], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try CLI.run(["train"] + arguments + Self.tiny)
        #expect(!result.crashed, "perplex trapped: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.status != 0, sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(fragment), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test func badInputIsOneLine() throws {
        try expectError(["--adaptive", "--cutoffs", "60,20"], "--cutoffs must be strictly increasing, got 60 then 20")
        try expectError(["--adaptive", "--cutoffs", "20,20"], "strictly increasing")
        try expectError(["--adaptive", "--cutoffs", "0,20"], "--cutoffs must be positive, got 0")
        try expectError(["--adaptive", "--cutoffs=-5"], "--cutoffs must be positive, got -5")
        try expectError(
            ["--adaptive", "--cutoffs", "20,500", "--div-value", "2"], "--cutoffs must be below the vocabulary size")
        try expectError(["--adaptive", "--cutoffs", "20,x"], "--cutoffs must be comma-separated word ids")
        try expectError(["--adaptive"], "--adaptive needs --cutoffs")
        try expectError(["--cutoffs", "20"], "--cutoffs needs --adaptive")
        try expectError(["--div-value", "2"], "--div-value needs --adaptive")
        try expectError(["--adaptive", "--cutoffs", "20", "--div-value", "0"], "--div-value must be a number ≥ 1")
        try expectError(["--adaptive", "--cutoffs", "20,40,60", "--div-value", "4"], "no features")
        try expectError(["--adaptive", "--cutoffs", "20", "--tied", "--nhid", "8"], "--adaptive does not fit --tied")
        try expectError(["--model", "NPLM", "--adaptive", "--cutoffs", "20"], "--adaptive does not apply to NPLM")
    }
}
