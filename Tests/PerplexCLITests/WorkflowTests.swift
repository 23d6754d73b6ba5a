import Foundation
import Testing

/// The LM workflow through the command line: train → evaluate → generate on the built-in corpus.
@Suite struct WorkflowTests {
    static let small = ["--builtin-sentences", "300", "--emsize", "16", "--nhid", "16", "--bptt", "10", "--log-interval", "5"]

    @Test(arguments: ["LSTM", "GRU", "RNN_TANH", "RNN_RELU", "Transformer"])
    func trainEvaluateGenerate(model: String) throws {
        let run = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: run) }
        let trained = try CLI.run(["train", "--model", model, "--epochs", "2", "--save", run.path] + Self.small)
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("| End of training | test loss") && trained.stdout.contains("corpus floor ppl"))
        #expect(trained.stdout.contains("| end of epoch   2"))
        for file in ["config.json", "metrics.jsonl", "model.safetensors", "vocab.txt", "curves.svg"] {
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "\(file) missing")
        }
        let metrics = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        #expect(metrics.contains(#""type":"epoch""#) && metrics.contains(#""type":"test""#))

        let text = run.appendingPathComponent("sample.txt")
        try "the dog runs\nevery cat sees a bird\n".write(to: text, atomically: false, encoding: .utf8)
        let evaluated = try CLI.run([
            "evaluate", "--checkpoint", run.path, "--text", text.path, "--batch-size", "2", "--bptt", "4"
        ])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        #expect(evaluated.stdout.contains("ppl"))

        let generated = try CLI.run(["generate", "--checkpoint", run.path, "--words", "30", "--prompt", "the dog", "--seed", "3"])
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(generated.stdout.hasPrefix("the dog") && generated.stdout.split(whereSeparator: \.isWhitespace).count > 5)
    }

    /// Two processes training with one seed write the same checkpoint, byte for byte: the same
    /// weights (the fused LSTM splits its work over the cores without changing any sum) and the
    /// same metadata (JSON keys sorted, not in each process's dictionary order).
    @Test func oneSeedWritesOneCheckpoint() throws {
        let runs = try (0..<2).map { _ in try CLI.temporaryDirectory() }
        defer { for run in runs { try? FileManager.default.removeItem(at: run) } }
        for run in runs {
            let trained = try CLI.run(
                [
                    "train", "--model", "LSTM", "--nlayers", "2", "--dropout", "0.2", "--epochs", "1",
                    "--seed", "5", "--save", run.path
                ] + Self.small)
            #expect(trained.status == 0, "\(trained.stderr)")
        }
        let files = try runs.map { try Data(contentsOf: $0.appendingPathComponent("model.safetensors")) }
        #expect(!files[0].isEmpty && files[0] == files[1])
    }

    /// Ctrl-C stops training after the current batch, keeps the best model and still tests it.
    @Test func interruptStopsCleanlyAndStillTests() throws {
        let run = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: run) }
        let (process, out, _) = try CLI.start(["train", "--epochs", "1000", "--save", run.path] + Self.small)
        let checkpoint = run.appendingPathComponent("model.safetensors")
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: checkpoint.path) && Date() < deadline { usleep(20_000) }
        kill(process.processIdentifier, SIGINT)
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 && process.terminationReason == .exit)
        #expect(stdout.contains("Exiting from training early"))
        #expect(stdout.contains("| End of training | test loss"))
    }
}
