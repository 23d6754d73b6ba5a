import Foundation
import Testing

/// Bad input gets a one-line error and a non-zero exit, never a trap.
@Suite struct BadInputTests {
    func expectError(_ arguments: [String], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try CLI.run(arguments)
        #expect(!result.crashed, "perplex trapped: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.status != 0, sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(
            lines.count >= 1 && lines.contains { $0.contains(fragment) }, "stderr: \(result.stderr)",
            sourceLocation: sourceLocation)
    }

    @Test func trainingInputs() throws {
        let tiny = ["--emsize", "8", "--nhid", "8", "--epochs", "1"]
        try expectError(["train", "--data", "/no/such/folder"] + tiny, "data folder not found: /no/such/folder")
        let empty = try CLI.dataFolder(train: "\n \n", valid: "a b\n", test: "a b\n")
        defer { try? FileManager.default.removeItem(at: empty) }
        try expectError(["train", "--data", empty.path] + tiny, "no words in")
        let short = try CLI.dataFolder(train: "a b c\n", valid: "a b\n", test: "a b\n")
        defer { try? FileManager.default.removeItem(at: short) }
        try expectError(["train", "--data", short.path] + tiny, "too few for one batch")
        let missing = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: missing) }
        try expectError(["train", "--data", missing.path] + tiny, "file not found")
        try expectError(["train", "--bptt", "0"] + tiny, "--bptt must be at least 1")
        try expectError(["train", "--data", short.path, "--max-vocab", "1"] + tiny, "--max-vocab must be at least 2")
        try expectError(["train", "--data", short.path, "--min-count", "0"] + tiny, "--min-count must be at least 1")
        try expectError(["train", "--max-vocab", "100"] + tiny, "--max-vocab and --min-count read a --data folder")
        try expectError(
            ["train", "--data", short.path, "--tokenizer", "char", "--min-count", "2"] + tiny, "with the word tokenizer")
        try expectError(["train", "--tied", "--emsize", "8", "--nhid", "16"], "--tied needs --nhid equal to --emsize")
        try expectError(["train", "--model", "CNN"] + tiny, "CNN")
        try expectError(
            ["train", "--model", "Transformer", "--emsize", "10", "--nhead", "3", "--epochs", "1"], "multiple of --nhead")
    }

    @Test func divergedTrainingStops() throws {
        let run = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: run) }
        // Whether a learning rate of 1e30 overflows to NaN depends on the order products sum in;
        // 1e38 overflows whatever the kernels.
        try expectError(
            [
                "train", "--builtin-sentences", "300", "--emsize", "8", "--nhid", "8", "--epochs", "3",
                "--lr", "1e38", "--clip", "1e30", "--save", run.path
            ], "loss became")
    }

    @Test func checkpointAndPromptInputs() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = dir.appendingPathComponent("t.txt")
        try "the dog\n".write(to: text, atomically: false, encoding: .utf8)
        try expectError(
            ["evaluate", "--checkpoint", dir.appendingPathComponent("none.safetensors").path, "--text", text.path],
            "checkpoint not found")
        let corrupt = dir.appendingPathComponent("corrupt.safetensors")
        try Data([200, 0, 0, 0, 0, 0, 0, 0, 123]).write(to: corrupt)
        try expectError(["evaluate", "--checkpoint", corrupt.path, "--text", text.path], "header length")
        try expectError(["generate", "--checkpoint", corrupt.path], "header length")

        let trained = try CLI.run([
            "train", "--builtin-sentences", "200", "--emsize", "8", "--nhid", "8", "--epochs", "1",
            "--save", dir.path
        ])
        #expect(trained.status == 0, "\(trained.stderr)")
        try expectError(
            ["generate", "--checkpoint", dir.path, "--prompt", "the zebra"], "prompt word 'zebra' is not in the vocabulary")
        try "the zebra\n".write(to: text, atomically: false, encoding: .utf8)
        try expectError(["evaluate", "--checkpoint", dir.path, "--text", text.path], "word 'zebra' is not in the vocabulary")
        try expectError(
            ["evaluate", "--checkpoint", dir.path, "--text", dir.appendingPathComponent("no.txt").path], "file not found")
    }

    /// SIGKILL at random moments of a run that rewrites its checkpoint every epoch: the file on
    /// disk is always a complete, loadable checkpoint.
    @Test func killDuringCheckpointWritesLeavesAWorkingModel() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = dir.appendingPathComponent("t.txt")
        try "the dog runs\n".write(to: text, atomically: false, encoding: .utf8)
        var kills = 0
        for attempt in 0..<4 {
            // A run folder each: the checkpoint is rewritten every epoch within one run.
            let run = dir.appendingPathComponent("run\(attempt)")
            let checkpoint = run.appendingPathComponent("model.safetensors")
            let (process, _, _) = try CLI.start([
                "train", "--builtin-sentences", "150", "--emsize", "300", "--nhid", "300",
                "--epochs", "1000", "--lr", "1", "--save", run.path, "--seed", "\(attempt + 1)"
            ])
            // Wait for a first checkpoint, then kill at a varying moment.
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: checkpoint.path) && Date() < deadline { usleep(20_000) }
            usleep(UInt32(50_000 + 70_000 * attempt))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal { kills += 1 }
            let evaluated = try CLI.run([
                "evaluate", "--checkpoint", checkpoint.path, "--text", text.path,
                "--batch-size", "1", "--bptt", "2"
            ])
            #expect(evaluated.status == 0, "after SIGKILL \(attempt): \(evaluated.stderr)")
        }
        #expect(kills == 4)
    }
}
