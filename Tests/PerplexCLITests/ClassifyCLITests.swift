import Foundation
import Models
import Testing
import Train

/// `perplex classify` through the command line on a tiny generated data set (trains in seconds).
@Suite struct ClassifyCLITests {
    /// A toy sentiment set: label 1 sentences hold a positive word, label 0 a negative one,
    /// label 2 are questions; fillers vary so no two lines repeat.
    static func toyData(count: Int, offset: Int = 0) -> String {
        let positive = ["good", "great", "fine"]
        let negative = ["bad", "awful", "dull"]
        let fillers = ["the", "film", "was", "plot", "acting", "very", "really", "quite", "story", "cast"]
        var lines: [String] = []
        for i in offset..<(offset + count) {
            let label = i % 3
            let filler = (0..<(1 + i % 4)).map { fillers[(i * 7 + $0 * 3) % fillers.count] }
            switch label {
            case 0: lines.append("0 " + (filler + [negative[i % 3]]).joined(separator: " ") + " .")
            case 1: lines.append("1 " + (filler + [positive[i % 3]]).joined(separator: " ") + " .")
            default: lines.append("2 why " + filler.joined(separator: " ") + " ?")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func files(_ named: [String: String]) throws -> URL {
        let dir = try CLI.temporaryDirectory()
        for (name, text) in named { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir
    }

    /// The number in the report's "accuracy NN.NN%".
    static func accuracy(in report: String) -> Double {
        guard let range = report.range(of: "accuracy ") else { return 0 }
        return Double(report[range.upperBound...].prefix { $0.isNumber || $0 == "." }) ?? 0
    }

    static let small = ["--emsize", "16", "--feature-maps", "8", "--nhid", "16", "--batch-size", "10", "--lr", "0.01"]

    @Test(arguments: ["cnn", "lstm"])
    func trainEvaluatePredict(model: String) throws {
        let dir = try files([
            "train.txt": Self.toyData(count: 60), "dev.txt": Self.toyData(count: 15, offset: 60),
            "test.txt": Self.toyData(count: 15, offset: 75)
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = dir.appendingPathComponent("run")
        let trained = try CLI.run(
            [
                "classify", "train", "--train", dir.appendingPathComponent("train.txt").path,
                "--dev", dir.appendingPathComponent("dev.txt").path,
                "--test", dir.appendingPathComponent("test.txt").path, "--model", model,
                "--epochs", "15", "--save", run.path
            ] + Self.small)
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("| end of epoch   1") && trained.stdout.contains("dev acc"))
        #expect(trained.stdout.contains("confusion matrix") && trained.stdout.contains("precision"))
        for file in ["config.json", "metrics.jsonl", "model.safetensors", "vocab.txt", "curves.svg"] {
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "\(file) missing")
        }
        let evaluated = try CLI.run([
            "classify", "evaluate", "--checkpoint", run.path, "--data", dir.appendingPathComponent("test.txt").path
        ])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let accuracy = Self.accuracy(in: evaluated.stdout)
        #expect(accuracy >= 80, "\(evaluated.stdout)")

        let predicted = try CLI.run(["classify", "predict", "--checkpoint", run.path, "the film was great .", "why the plot ?"])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let labels = predicted.stdout.split(separator: "\n").map { $0.split(separator: "\t").first.map(String.init) ?? "" }
        #expect(labels == ["1", "2"], "\(predicted.stdout)")
    }

    @Test func crossValidationRunsTheFolds() throws {
        let dir = try files(["all.txt": Self.toyData(count: 40)])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = dir.appendingPathComponent("run")
        let result = try CLI.run(
            [
                "classify", "train", "--train", dir.appendingPathComponent("all.txt").path, "--folds", "4",
                "--max-folds", "2", "--epochs", "3", "--save", run.path
            ] + Self.small)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("| fold 2/4 |") && !result.stdout.contains("| fold 3/4 |"))
        #expect(result.stdout.contains("| cross-validation | 2 of 4 folds | mean accuracy"))
        let metrics = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        #expect(metrics.contains(#""type":"cross_validation""#))
        let one = try CLI.run(
            [
                "classify", "train", "--train", dir.appendingPathComponent("all.txt").path, "--folds", "4",
                "--fold", "3", "--epochs", "1", "--save", run.path, "--overwrite"
            ] + Self.small)
        #expect(one.status == 0 && one.stdout.contains("| fold 3/4 |") && !one.stdout.contains("| fold 1/4 |"), "\(one.stderr)")
        #expect(one.stdout.contains("| cross-validation | 1 of 4 folds"))
    }

    /// Kim's CNN-static keeps the pretrained rows; CNN-non-static starts from them and moves.
    @Test(arguments: [true, false])
    func pretrainedVectors(frozen: Bool) throws {
        let words = ["great", "bad", "film", "why"]
        let vec =
            "\(words.count) 4\n"
            + words.enumerated().map { i, w in
                w + " " + (0..<4).map { String(Float(i * 4 + $0) / 10) }.joined(separator: " ")
            }.joined(separator: "\n") + "\n"
        let dir = try files(["train.txt": Self.toyData(count: 30), "test.txt": Self.toyData(count: 9, offset: 30), "w.vec": vec])
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let small = ["--feature-maps", "8", "--batch-size", "10", "--lr", "0.01", "--epochs", "2"]
        let result = try CLI.run(
            [
                "classify", "train", "--train", path("train.txt"), "--test", path("test.txt"), "--vectors", path("w.vec"),
                "--save", path("run")
            ] + (frozen ? ["--freeze"] : []) + small)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("pretrained vectors for 4 of"), "\(result.stdout)")
        let loaded = try ClassifierCheckpoint.load(dir.appendingPathComponent("run/model.safetensors"))
        let weight = loaded.model.embedding.weight
        #expect(weight.shape[1] == 4)
        for (i, word) in words.enumerated() {
            let id = try #require(loaded.vocabulary.id(of: word))
            let row = Array(UnsafeBufferPointer(start: weight.pointer + id * 4, count: 4))
            let pretrained = (0..<4).map { Float(i * 4 + $0) / 10 }
            #expect((row == pretrained) == frozen, "\(word): \(row) vs \(pretrained)")
        }
    }

    func expectError(_ arguments: [String], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try CLI.run(arguments)
        #expect(!result.crashed, "perplex trapped: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.status != 0, sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(fragment), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test func badInputGetsOneLineErrors() throws {
        let dir = try files([
            "good.txt": Self.toyData(count: 12), "nolabel.txt": "1 fine film\nno label here\n",
            "float.txt": "1 a\n0.5 b\n", "empty.txt": "\n\n", "one.txt": "1 a\n1 b\n",
            "unseen.txt": "1 a\n7 b\n"
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let run = ["--save", path("run"), "--epochs", "1"] + Self.small
        try expectError(
            ["classify", "train", "--train", path("nolabel.txt"), "--test", path("good.txt")] + run,
            "nolabel.txt line 2: no label")
        try expectError(
            ["classify", "train", "--train", path("float.txt"), "--test", path("good.txt")] + run,
            "label '0.5' is not an integer")
        try expectError(
            ["classify", "train", "--train", path("empty.txt"), "--test", path("good.txt")] + run, "no labelled sentences")
        try expectError(["classify", "train", "--train", path("missing.txt")] + run, "file not found")
        try expectError(["classify", "train", "--train", path("one.txt"), "--test", path("good.txt")] + run, "at least 2 labels")
        try expectError(
            ["classify", "train", "--train", path("good.txt"), "--test", path("unseen.txt")] + run,
            "label 7 was not seen in training")
        try expectError(["classify", "train", "--train", path("good.txt"), "--folds", "100"] + run, "--folds must be between 2")
        try expectError(
            ["classify", "train", "--train", path("good.txt"), "--folds", "3", "--fold", "4"] + run, "--fold must be between 1")
        try expectError(
            ["classify", "train", "--train", path("good.txt"), "--test", path("good.txt"), "--dropout", "1"] + run,
            "--dropout must be in [0, 1)")
        try expectError(
            ["classify", "train", "--train", path("good.txt"), "--test", path("good.txt"), "--filter-widths", "3,x"] + run,
            "--filter-widths")
        try expectError(
            ["classify", "train", "--train", path("good.txt"), "--test", path("good.txt"), "--freeze"] + run,
            "--freeze keeps pretrained vectors fixed: it needs --vectors")
        try "2 3\na 1 2 3\nb 1 2 3\n".write(toFile: path("three.vec"), atomically: true, encoding: .utf8)
        try expectError(
            ["classify", "train", "--train", path("good.txt"), "--test", path("good.txt"), "--vectors", path("three.vec")] + run,
            "--emsize 16 does not match the 3-dimensional vectors")
        try "2 3\na 1 2 3\nb 1 2\n".write(toFile: path("ragged.vec"), atomically: true, encoding: .utf8)
        let ragged = try CLI.run(
            ["classify", "train", "--train", path("good.txt"), "--test", path("good.txt"), "--vectors", path("ragged.vec")] + run)
        #expect(ragged.status != 0 && !ragged.crashed && ragged.stderr.contains("ragged.vec"), "\(ragged.stderr)")
        try expectError(
            ["classify", "evaluate", "--checkpoint", path("none.safetensors"), "--data", path("good.txt")],
            "checkpoint not found")
        try Data([200, 0, 0, 0, 0, 0, 0, 0, 123]).write(to: URL(fileURLWithPath: path("corrupt.safetensors")))
        try expectError(["classify", "predict", "--checkpoint", path("corrupt.safetensors"), "a"], "header length")

        // A language-model checkpoint is not a classifier.
        let lm = try CLI.run([
            "train", "--builtin-sentences", "100", "--emsize", "8", "--nhid", "8", "--epochs", "1", "--save", path("lm")
        ])
        #expect(lm.status == 0, "\(lm.stderr)")
        try expectError(
            ["classify", "evaluate", "--checkpoint", path("lm"), "--data", path("good.txt")],
            "is a language-model checkpoint, not a sentence classifier's (perplex evaluate and generate read it)")
    }
}
