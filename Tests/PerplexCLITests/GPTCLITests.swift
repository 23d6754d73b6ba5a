import Foundation
import Testing

/// A GPT trained with a char tokenizer, as nanoGPT's shakespeare_char: `evaluate` and `generate`
/// read the tokenizer from the run folder, losses come also in bits per character, and bad
/// requests are one-line errors.
@Suite struct GPTCLITests {
    static let text = String(
        repeating: "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n\n", count: 12)

    /// Trains a tiny char GPT on `text` in a temporary folder; returns the folder, the input and the run.
    static func trainedRun() throws -> (dir: URL, input: String, run: String, stdout: String) {
        let dir = try CLI.temporaryDirectory()
        let input = dir.appendingPathComponent("input.txt").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: input))
        let run = dir.appendingPathComponent("run").path
        let trained = try CLI.run([
            "train", "--model", "GPT", "--tokenizer", "char", "--data", input, "--block-size", "16", "--batch-size", "4",
            "--n-layer", "1", "--n-head", "2", "--n-embd", "16", "--dropout", "0", "--max-iters", "20", "--eval-interval",
            "10", "--eval-iters", "2", "--save", run
        ])
        #expect(trained.status == 0, "\(trained.stderr)")
        return (dir, input, run, trained.stdout)
    }

    @Test func evaluateReadsTheRunsTokenizerAndGivesBitsPerCharacter() throws {
        let (dir, input, run, stdout) = try Self.trainedRun()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A char tokenizer's token is one character: bits per character is the loss in bits.
        let end = try #require(stdout.split(separator: "\n").first { $0.contains("End of training") })
        let loss = try #require(Self.number(after: "test loss", in: String(end)))
        let bits = try #require(Self.number(after: "test bpc", in: String(end)))
        #expect(abs(bits - loss / M_LN2) < 0.01, "\(end)")

        // Without --text: the val part of the data the run trained on, scored as training's test.
        let evaluated = try CLI.run(["evaluate", "--checkpoint", run])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let again = try #require(Self.number(after: "loss", in: evaluated.stdout))
        #expect(abs(again - loss) < 0.005, "\(evaluated.stdout) vs \(end)")
        #expect(evaluated.stdout.contains("| bpc "))

        let file = try CLI.run(["evaluate", "--checkpoint", run, "--text", input])
        #expect(file.status == 0 && file.stdout.contains(" | bpc "), "\(file.stderr)")
    }

    @Test func badRequestsAreOneLineErrors() throws {
        let (dir, _, run, _) = try Self.trainedRun()
        defer { try? FileManager.default.removeItem(at: dir) }
        let outside = dir.appendingPathComponent("outside.txt").path
        try Data("hear me, Zoë\n".utf8).write(to: URL(fileURLWithPath: outside))
        let cases: [([String], String)] = [
            (
                ["evaluate", "--checkpoint", run, "--text", outside],
                "error: character 'Z' (U+005A) at line 1, column 10 of \(outside) is not among the tokenizer's 30 characters (also unknown: 'ë' (U+00EB))"
            ),
            (
                ["generate", "--checkpoint", run, "--prompt", "hear Zoë"],
                "error: character 'Z' (U+005A) at line 1, column 6 is not among the tokenizer's 30 characters (also unknown: 'ë' (U+00EB))"
            ),
            (
                ["evaluate", "--checkpoint", run, "--bptt", "17"],
                "error: --bptt 17 is longer than the model's block size 16; give --bptt 16 or less"
            ),
            (
                ["train", "--model", "GPT", "--tokenizer", dir.path + "/none", "--data", outside, "--max-iters", "1"],
                "error: cannot read tokenizer \(dir.path)/none: no such folder"
            )
        ]
        for (arguments, message) in cases {
            let result = try CLI.run(arguments)
            #expect(result.status != 0 && result.stderr == message + "\n", "\(arguments): \(result.stderr)")
        }
        // A tokenizer file that does not parse is named, never trusted.
        try Data("{\"kind\": 3}".utf8).write(to: URL(fileURLWithPath: run + "/tokenizer.json"))
        let corrupt = try CLI.run(["evaluate", "--checkpoint", run])
        #expect(corrupt.status != 0 && corrupt.stderr.hasPrefix("error: ") && corrupt.stderr.contains("tokenizer.json"))
        #expect(corrupt.stderr.split(separator: "\n").count == 1, "\(corrupt.stderr)")
    }

    /// nanoGPT's loop resumed from its last state (AdamW's moments, the generator as the loop
    /// stopped) goes on exactly: 20 iterations straight, and 10 then resumed to 20, end alike.
    @Test func anIterationRunResumedGoesOnAsTheUninterruptedOne() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("input.txt").path
        try Data(Self.text.utf8).write(to: URL(fileURLWithPath: input))
        let train = [
            "train", "--model", "GPT", "--tokenizer", "char", "--data", input, "--block-size", "8", "--batch-size", "4",
            "--n-layer", "1", "--n-head", "2", "--n-embd", "16", "--dropout", "0.1", "--eval-interval", "5", "--eval-iters",
            "2", "--lr-decay-iters", "20", "--warmup-iters", "2"
        ]
        for arguments in [
            ["--max-iters", "20", "--save", "straight"], ["--max-iters", "10", "--save", "resumed"],
            ["--max-iters", "20", "--save", "resumed", "--resume", "resumed"]
        ] {
            let result = try CLI.run(train + arguments, in: dir)
            #expect(result.status == 0, "\(result.stderr)")
        }
        for file in ["last", "model"] {
            let straight = try RecipeCLITests.tensors(dir.appendingPathComponent("straight/\(file).safetensors"))
            let resumed = try RecipeCLITests.tensors(dir.appendingPathComponent("resumed/\(file).safetensors"))
            #expect(straight.keys.sorted() == resumed.keys.sorted())
            #expect(file == "model" || straight.keys.contains { $0.hasSuffix(".exp_avg_sq") }, "no AdamW moments saved")
            for (name, values) in straight { #expect(values == resumed[name], "\(file): \(name)") }
        }
    }

    /// The number after `label` in `line` ("test loss  4.03" → 4.03).
    static func number(after label: String, in line: String) -> Double? {
        guard let range = line.range(of: label + " ") else { return nil }
        let rest = line[range.upperBound...].drop { $0 == " " }
        return Double(rest.prefix { $0.isNumber || $0 == "." })
    }
}
