import Foundation
import Testing

/// The seeds' other language models through the command line: each trains for a few batches on
/// the built-in corpus, reports accuracy, and its checkpoint evaluates and generates; flags that
/// do not fit a kind are one-line errors.
@Suite struct ModelKindsTests {
    static let tiny = [
        "--builtin-sentences", "200", "--epochs", "1", "--max-batches", "4", "--bptt", "6", "--log-interval", "2",
        "--batch-size", "4"
    ]

    /// Each kind with small sizes and its own flags.
    static let kinds: [(String, [String])] = [
        ("NPLM", ["--emsize", "8", "--nhid", "12", "--ngram", "3", "--hidden-act", "tanh"]),
        ("NGRAM_RNN", ["--emsize", "8", "--nhid", "12", "--nlayers", "1", "--ngram", "4", "--backprop-steps", "2"]),
        ("GatedCNN", ["--emsize", "8", "--nhid", "8", "--nlayers", "2", "--kernel-size", "3"]),
        ("GatedCNN_RNN", ["--emsize", "8", "--nhid", "8", "--nlayers", "2", "--kernel-size", "2", "--rnn-layers", "2", "--tied"]),
        ("AttentionLSTM", ["--emsize", "8", "--nhid", "8", "--nlayers", "1", "--attention-window", "4"]),
        (
            "CharCNN",
            [
                "--nhid", "8", "--nlayers", "1", "--char-emsize", "4", "--max-filter-width", "3", "--feature-maps", "2",
                "--highway-layers", "1"
            ]
        )
    ]

    @Test(arguments: kinds.map(\.0))
    func trainEvaluateGenerate(kind: String) throws {
        let flags = Self.kinds.first { $0.0 == kind }?.1 ?? []
        let run = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: run) }
        let trained = try CLI.run(["train", "--model", kind, "--save", run.path] + flags + Self.tiny)
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("| \(kind) model:"), "\(trained.stdout)")
        #expect(trained.stdout.contains("| valid acc") && trained.stdout.contains("| test acc"), "\(trained.stdout)")
        let metrics = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        #expect(metrics.contains(#""valid_accuracy":"#) && metrics.contains(#""test_accuracy":"#))

        let text = run.appendingPathComponent("sample.txt")
        try "the dog runs\nevery cat sees a bird\n".write(to: text, atomically: false, encoding: .utf8)
        let evaluated = try CLI.run([
            "evaluate", "--checkpoint", run.path, "--text", text.path, "--batch-size", "2", "--bptt", "3"
        ])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        #expect(evaluated.stdout.contains("| ppl") && evaluated.stdout.contains("| acc"), "\(evaluated.stdout)")

        let generated = try CLI.run([
            "generate", "--checkpoint", run.path, "--words", "12", "--prompt", "the dog runs", "--seed", "5"
        ])
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(generated.stdout.hasPrefix("the dog runs") && generated.stdout.split(whereSeparator: \.isWhitespace).count > 5)
    }

    /// --curriculum: more, shorter windows in the first epoch, the recipe's windows after it.
    @Test(arguments: ["NPLM", "LSTM"])
    func curriculumStartsWithShortWindows(kind: String) throws {
        let run = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: run) }
        let trained = try CLI.run([
            "train", "--model", kind, "--curriculum", "--curriculum-start", "2", "--bptt", "8", "--epochs", "2",
            "--builtin-sentences", "100", "--emsize", "8", "--nhid", "8", "--batch-size", "4",
            "--log-interval", "1", "--save", run.path
        ])
        #expect(trained.status == 0, "\(trained.stderr)")
        let counts = trained.stdout.split(separator: "\n").filter { $0.contains(" batches | lr") }.compactMap { line in
            line.split(separator: "|")[1].split(separator: "/").last.flatMap { Int($0.split(separator: " ")[0]) }
        }
        let first = counts.first ?? 0
        let last = counts.last ?? 0
        #expect(first > last && last > 0, "batches per epoch: \(Set(counts).sorted())")
    }

    @Test(arguments: [
        (["--curriculum-start", "3"], "--curriculum-start and --curriculum-epochs need --curriculum"),
        (["--curriculum", "--curriculum-start", "50", "--bptt", "35"], "--curriculum-start must be in 1…--bptt (35), got 50"),
        (["--model", "LSTM", "--ngram", "3"], "--ngram does not apply to LSTM (only to NPLM, NGRAM_RNN)"),
        (["--model", "NGRAM_RNN", "--ngram", "1"], "--ngram must be in 2…64, got 1"),
        (
            ["--model", "NGRAM_RNN", "--backprop-steps", "0"],
            "--backprop-steps must be in 1…3 (the context words of a 4-gram), got 0"
        ),
        (
            ["--model", "NGRAM_RNN", "--ngram", "3", "--backprop-steps", "3"],
            "--backprop-steps must be in 1…2 (the context words of a 3-gram), got 3"
        ),
        (["--model", "NPLM", "--backprop-steps", "2"], "--backprop-steps does not apply to NPLM (only to NGRAM_RNN)"),
        (["--model", "LSTM", "--backprop-steps", "1"], "--backprop-steps does not apply to LSTM (only to NGRAM_RNN)"),
        (["--model", "NGRAM_RNN", "--hidden-act", "tanh"], "--hidden-act does not apply to NGRAM_RNN (only to NPLM)"),
        (["--model", "GRU", "--hidden-act", "linear"], "--hidden-act does not apply to GRU (only to NPLM)"),
        (["--model", "NPLM", "--ngram", "1"], "--ngram must be in 2…64, got 1"),
        (["--model", "GatedCNN", "--rnn-layers", "2"], "--rnn-layers does not apply to GatedCNN (only to GatedCNN_RNN)"),
        (["--model", "LSTM", "--kernel-size", "3"], "--kernel-size does not apply to LSTM (only to GatedCNN, GatedCNN_RNN)"),
        (["--model", "GatedCNN", "--kernel-size", "1"], "--kernel-size must be in 2…256, got 1"),
        (["--model", "GRU", "--attention-window", "4"], "--attention-window does not apply to GRU (only to AttentionLSTM)"),
        (["--model", "AttentionLSTM", "--attention-window", "0"], "--attention-window must be in 1…4096, got 0"),
        (
            ["--model", "CharCNN", "--emsize", "10"],
            "--emsize does not apply to CharCNN (its word vectors come from characters; see --char-emsize)"
        ),
        (
            ["--model", "CharCNN", "--tied", "--nhid", "200"],
            "--tied does not apply to CharCNN (its words have no input embedding)"
        ),
        (["--model", "LSTM", "--highway-layers", "2"], "--highway-layers does not apply to LSTM (only to CharCNN)")
    ])
    func flagsThatDoNotFitAreOneLineErrors(_ c: ([String], String)) throws {
        let result = try CLI.run(["train", "--builtin-sentences", "50", "--epochs", "1"] + c.0)
        #expect(!result.crashed && result.status != 0)
        #expect(result.stderr == "error: \(c.1)\n", "\(result.stderr)")
    }
}
