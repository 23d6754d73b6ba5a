import Foundation
import Testing

/// `--context previous-sentence` (report 002's context model) through the command line: it trains,
/// its checkpoint carries the mode and evaluates and generates, `params` counts its wider decoder;
/// what cannot take it is a one-line error.
@Suite struct SentenceContextCLITests {
    static let tiny = [
        "--builtin-sentences", "200", "--epochs", "1", "--max-batches", "4", "--bptt", "6", "--log-interval", "2",
        "--batch-size", "4", "--emsize", "8", "--nhid", "12", "--nlayers", "1"
    ]

    @Test(arguments: ["LSTM", "GRU"])
    func trainEvaluateGenerate(kind: String) throws {
        let run = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: run) }
        let trained = try CLI.run(
            ["train", "--model", kind, "--context", "previous-sentence", "--save", run.path] + Self.tiny)
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("| test acc"), "\(trained.stdout)")
        let config = try String(contentsOf: run.appendingPathComponent("config.json"), encoding: .utf8)
        #expect(config.contains(#""context" : "previous-sentence""#), "\(config)")

        let text = run.appendingPathComponent("sample.txt")
        try "the dog runs\nevery cat sees a bird\n".write(to: text, atomically: false, encoding: .utf8)
        let evaluated = try CLI.run([
            "evaluate", "--checkpoint", run.path, "--text", text.path, "--batch-size", "2", "--bptt", "3"
        ])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        #expect(evaluated.stdout.contains("| ppl"), "\(evaluated.stdout)")

        // Enough words for several sentences: the context goes on across generated <eos>.
        let generated = try CLI.run([
            "generate", "--checkpoint", run.path, "--words", "40", "--prompt", "the dog runs", "--seed", "5"
        ])
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(generated.stdout.hasPrefix("the dog runs"), "\(generated.stdout)")
        let beam = try CLI.run(["generate", "--checkpoint", run.path, "--words", "8", "--beam", "3", "--prompt", "the dog"])
        #expect(beam.status == 0, "\(beam.stderr)")
    }

    /// `sweep` takes the mode as a grid axis like any other train flag.
    @Test func sweepsOverTheContext() throws {
        let out = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try CLI.run(
            ["sweep", "--grid", "context=none,previous-sentence", "--out", out.path] + Self.tiny)
        #expect(result.status == 0, "\(result.stderr)")
        let table = try String(contentsOf: out.appendingPathComponent("results.md"), encoding: .utf8)
        #expect(table.contains("| none ") && table.contains("| previous-sentence "), "\(table)")
    }

    /// The decoder reads nhid + emsize features: 10,000 × 400 weights for the recipe's LSTM.
    @Test func paramsCountsTheWiderDecoder() throws {
        let result = try CLI.run(["params", "--model", "LSTM", "--vocab", "10000", "--context", "previous-sentence"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("decoder.weight    [10000, 400]"), "\(result.stdout)")
        #expect(result.stdout.contains("| total 6653200 parameters"), "\(result.stdout)")
    }

    @Test(arguments: [
        (
            ["--model", "GatedCNN", "--context", "previous-sentence"],
            "--context does not apply to GatedCNN (only to RNN_TANH, RNN_RELU, LSTM, GRU)"
        ),
        (
            ["--model", "Transformer", "--context", "previous-sentence"],
            "--context does not apply to Transformer (only to RNN_TANH, RNN_RELU, LSTM, GRU)"
        ),
        (
            ["--model", "GPT", "--context", "previous-sentence"],
            "--context does not apply to GPT (only to RNN_TANH, RNN_RELU, LSTM, GRU)"
        ),
        (["--model", "NPLM", "--context", "none"], "--context does not apply to NPLM (only to RNN_TANH, RNN_RELU, LSTM, GRU)"),
        (
            ["--model", "LSTM", "--tied", "--context", "previous-sentence"],
            "--tied does not fit --context previous-sentence: the decoder reads nhid + emsize features (the output and the context), the embedding has emsize"
        ),
        (
            ["--model", "GRU", "--context", "previous-sentence", "--onnx-export", "/tmp/perplex-context-test.onnx"],
            "ONNX export does not support --context previous-sentence models"
        )
    ])
    func whatCannotTakeItIsAOneLineError(_ c: ([String], String)) throws {
        let result = try CLI.run(["train", "--builtin-sentences", "50", "--epochs", "1"] + c.0)
        #expect(!result.crashed && result.status != 0)
        #expect(result.stderr == "error: \(c.1)\n", "\(result.stderr)")
    }

    /// An unknown mode is one line naming the modes (as an unknown --model names the kinds).
    @Test func anUnknownModeIsRefused() throws {
        let result = try CLI.run(["train", "--builtin-sentences", "50", "--epochs", "1", "--context", "sentence"])
        #expect(!result.crashed && result.status != 0)
        #expect(
            result.stderr
                == "error: The value 'sentence' is invalid for '--context <context>'. Please provide one of 'none' and 'previous-sentence'.\n",
            "\(result.stderr)")
        let kind = try CLI.run(["train", "--model", "CNN"])
        #expect(kind.status != 0 && kind.stderr.hasPrefix("error: The value 'CNN' is invalid for '--model <model>'"))
        #expect(kind.stderr.split(separator: "\n").count == 1 && kind.stderr.contains("RNN_TANH, RNN_RELU, LSTM"))
    }

    /// Characters have no <eos>: no sentence would ever end.
    @Test func aVocabularyWithoutEndOfSentenceIsRefused() throws {
        let folder = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let corpus = folder.appendingPathComponent("corpus.txt")
        try String(repeating: "hello there\nabc def\n", count: 20).write(to: corpus, atomically: false, encoding: .utf8)
        let result = try CLI.run([
            "train", "--model", "LSTM", "--tokenizer", "char", "--data", corpus.path, "--context", "previous-sentence",
            "--epochs", "1", "--emsize", "8", "--nhid", "8", "--bptt", "4", "--batch-size", "2",
            "--save", folder.appendingPathComponent("run").path
        ])
        #expect(!result.crashed && result.status != 0)
        #expect(
            result.stderr.hasSuffix(
                "error: --context previous-sentence needs <eos> in the vocabulary (sentences end there; the word tokenizer ends every line with it)\n"
            ), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("run").path))
    }
}
