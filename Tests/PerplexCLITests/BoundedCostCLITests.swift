import Foundation
import Testing

/// One flag or one line may not cost without bound: an impossible batch size, a runaway word or a
/// runaway sentence is a one-line error or a stated cut, at once.
@Suite struct BoundedCostCLITests {
    func expectQuickError(_ arguments: [String], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (result, timedOut) = try CLI.run(arguments, timeout: 60)
        #expect(!timedOut, "perplex \(arguments.joined(separator: " ")) did not return", sourceLocation: sourceLocation)
        #expect(!result.crashed && result.status != 0, "\(result.stderr)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(fragment), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test func impossibleBatchSizesAreOneLineErrors() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = "the cat sat on the mat .\n"
        let data = try CLI.dataFolder(
            train: String(repeating: text, count: 40), valid: String(repeating: text, count: 4),
            test: String(repeating: text, count: 4))
        defer { try? FileManager.default.removeItem(at: data) }
        let tiny = ["--emsize", "8", "--nhid", "8", "--epochs", "1", "--save", dir.appendingPathComponent("run").path]
        for size in ["1000000000000", "9223372036854775807"] {
            try expectQuickError(["train", "--data", data.path, "--batch-size", size] + tiny, "--batch-size")
        }
        let trained = try CLI.run(["train", "--data", data.path, "--batch-size", "4"] + tiny)
        #expect(trained.status == 0, "\(trained.stderr)")
        let checkpoint = dir.appendingPathComponent("run").path
        let sample = data.appendingPathComponent("test.txt").path
        for size in ["1000000000000", "9223372036854775807"] {
            try expectQuickError(["evaluate", "--checkpoint", checkpoint, "--text", sample, "--batch-size", size], "batch")
        }
    }

    @Test func runawaySentenceIsRefusedByClassify() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let long = Array(repeating: "film", count: 100_000).joined(separator: " ")
        let (train, broken) = (dir.appendingPathComponent("train.txt"), dir.appendingPathComponent("broken.txt"))
        try ClassifyCLITests.toyData(count: 30).write(to: train, atomically: false, encoding: .utf8)
        try (ClassifyCLITests.toyData(count: 30) + "1 \(long)\n").write(to: broken, atomically: false, encoding: .utf8)
        let run = dir.appendingPathComponent("run").path
        try expectQuickError(["classify", "train", "--train", broken.path, "--save", run], "broken.txt line 31: 100000 words")
        let trained = try CLI.run(
            ["classify", "train", "--train", train.path, "--epochs", "1", "--save", run] + ClassifyCLITests.small)
        #expect(trained.status == 0, "\(trained.stderr)")
        try expectQuickError(["classify", "evaluate", "--checkpoint", run, "--data", broken.path], "line 31: 100000 words")
        let (predicted, timedOut) = try CLI.run(
            ["classify", "predict", "--checkpoint", run], stdin: "a fine film\n\(long)\n", timeout: 60)
        #expect(!timedOut && predicted.status != 0, "\(predicted.stdout)")
        #expect(predicted.stderr == "error: stdin line 2: 100000 words, more than the 1000 a sentence may have\n")
    }

    @Test func charCNNSpellsARunawayWordByItsFirstCharacters() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let long = String(repeating: "x", count: 20_000)
        let text = LineEndingCLITests.sentences(40) + "the \(long) sees a dog .\n"
        let data = try CLI.dataFolder(
            train: text, valid: LineEndingCLITests.sentences(12), test: LineEndingCLITests.sentences(12))
        defer { try? FileManager.default.removeItem(at: data) }
        let run = dir.appendingPathComponent("run")
        let (result, timedOut) = try CLI.run(
            [
                "train", "--data", data.path, "--model", "CharCNN", "--nhid", "8", "--nlayers", "1", "--epochs", "1",
                "--batch-size", "4", "--bptt", "5", "--save", run.path
            ], timeout: 120)
        #expect(!timedOut && result.status == 0, "\(result.stderr)")
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("config.json")))
        let model = (config as? [String: Any])?["model"] as? [String: Any]
        #expect(model?["maxWordLength"] as? Int == 65, "\(String(describing: model))")
    }
}
