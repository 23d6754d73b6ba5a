import Formats
import Foundation
import Testing

/// Numbers out of bounds, paths that cannot be written, the wrong kind of checkpoint: each a
/// one-line error naming the problem (never a trap, a raw NSError text or a huge allocation).
@Suite struct LimitsCLITests {
    /// Runs perplex and expects exactly one line on stderr, `error: ` and a line containing `fragment`.
    @discardableResult
    static func expectOneLineError(
        _ arguments: [String], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> CLI.Result {
        let result = try CLI.run(arguments)
        #expect(!result.crashed, "perplex trapped: \(result.stderr.prefix(300))", sourceLocation: sourceLocation)
        #expect(result.status != 0, sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(
            lines.count == 1 && lines[0].hasPrefix("error: ") && lines[0].contains(fragment),
            "stderr: \(result.stderr.prefix(300))", sourceLocation: sourceLocation)
        return result
    }

    static let big = "9223372036854775807"

    @Test(arguments: [
        (["--model", "CharCNN", "--max-filter-width", "0"], "--max-filter-width must be in 1…64, got 0"),
        (["--model", "NPLM", "--ngram", big], "--ngram must be in 2…64, got \(big)"),
        (
            ["--model", "NGRAM_RNN", "--backprop-steps", big],
            "--backprop-steps must be in 1…3 (the context words of a 4-gram), got \(big)"
        ),
        (["--model", "GatedCNN", "--kernel-size", big], "--kernel-size must be in 2…256, got \(big)"),
        (["--model", "AttentionLSTM", "--attention-window", big], "--attention-window must be in 1…4096, got \(big)"),
        (["--model", "CharCNN", "--feature-maps", big], "--feature-maps must be in 1…4096, got \(big)"),
        (["--nhid", big], "--nhid must be in 1…1048576, got \(big)"),
        (["--model", "LSTM", "--nhead", "4"], "--nhead does not apply to LSTM (only to Transformer, GPT)")
    ])
    func modelNumbersOutOfBounds(_ c: ([String], String)) throws {
        try Self.expectOneLineError(["params"] + c.0, c.1)
        try Self.expectOneLineError(["train", "--builtin-sentences", "50", "--epochs", "1"] + c.0, c.1)
    }

    @Test(arguments: [
        (["--curriculum", "--curriculum-epochs", big], "--curriculum-epochs must be at most 1000000, got \(big)"),
        (["--epochs", big], "--epochs must be at most 1000000, got \(big)"),
        (["--batch-size", big], "--batch-size must be at most 1048576, got \(big)"),
        (["--builtin-sentences", big], "--builtin-sentences must be at most 10000000, got \(big)"),
        (["--lr", "-1"], "--lr must be positive, got -1.0"),
        (["--clip", "-1"], "--clip must be non-negative, got -1.0"),
        (["--lr", "nan"], "--lr must be positive, got nan"),
        (["--dropout", "-0.5"], "--dropout must be in [0, 1), got -0.5"),
        (["--max-batches", "-3"], "--max-batches must be non-negative, got -3")
    ])
    func trainingNumbersOutOfBounds(_ c: ([String], String)) throws {
        try Self.expectOneLineError(["train", "--emsize", "8", "--nhid", "8"] + c.0, c.1)
    }

    /// A negative number after a space is the option's value, so the option's own check speaks.
    @Test func negativeNumbersAreValues() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let trained = try CLI.run([
            "train", "--builtin-sentences", "100", "--emsize", "8", "--nhid", "8", "--epochs", "1", "--save", dir.path
        ])
        try #require(trained.status == 0, "\(trained.stderr)")
        try Self.expectOneLineError(["generate", "--checkpoint", dir.path, "--temperature", "-1"], "--temperature")
        try Self.expectOneLineError(
            ["embed-plot", "--checkpoint", dir.path, "--theta", "-1", "--out", dir.appendingPathComponent("e.svg").path],
            "theta -1")
        try Self.expectOneLineError(["evaluate", "--checkpoint", dir.path, "--text", "x", "--bptt", "-2"], "--bptt")
    }

    /// Counted from the configuration: 30 G parameters listed in no time, nothing allocated.
    @Test func paramsOfAHugeModelAreCountedWithoutBuildingIt() throws {
        let start = Date()
        let result = try CLI.run(["params", "--nhid", "50000"])
        #expect(!result.crashed && result.status == 0, "\(result.stderr.prefix(300))")
        #expect(result.stdout.contains("| total 30542810000 parameters (LSTM, 11 tensors)"), "\(result.stdout)")
        #expect(result.stdout.contains("rnn.weight_hh_l1  [200000, 50000]  10000000000"), "\(result.stdout)")
        #expect(Date().timeIntervalSince(start) < 20)
    }

    /// A model that fits the limits but not the machine is refused before anything is allocated.
    @Test func trainingAModelLargerThanMemoryIsRefused() throws {
        try Self.expectOneLineError(
            ["train", "--builtin-sentences", "50", "--epochs", "1", "--nhid", "1048576", "--emsize", "8"],
            "more than this machine's")
    }

    /// A checkpoint whose metadata claims nhid 2^40 (or more tensors than it holds) is refused
    /// before the model is built.
    @Test func checkpointMetadataClaimingAHugeModel() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let trained = try CLI.run([
            "train", "--builtin-sentences", "100", "--emsize", "8", "--nhid", "8", "--epochs", "1", "--save", dir.path
        ])
        try #require(trained.status == 0, "\(trained.stderr)")
        let checkpoint = dir.appendingPathComponent("model.safetensors")
        let text = dir.appendingPathComponent("t.txt")
        try "the\n".write(to: text, atomically: true, encoding: .utf8)
        var file = try SafeTensors.read(contentsOf: checkpoint)
        for (nhid, message) in [
            (1 << 40, "--nhid must be in 1…1048576, got 1099511627776"), (1 << 19, "in the file but [2097152, 8]")
        ] {
            let config = try #require(file.metadata["perplex.config"])
            file.metadata["perplex.config"] = config.replacingOccurrences(of: "\"nhid\":8", with: "\"nhid\":\(nhid)")
            #expect(file.metadata["perplex.config"] != config)
            let claimed = dir.appendingPathComponent("claimed-\(nhid).safetensors")
            try file.write(to: claimed)
            file.metadata["perplex.config"] = config
            try Self.expectOneLineError(["evaluate", "--checkpoint", claimed.path, "--text", text.path], message)
            try Self.expectOneLineError(["generate", "--checkpoint", claimed.path], message)
        }
    }

    @Test func pathsThatCannotBeWrittenOrRead() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let aFile = dir.appendingPathComponent("afile")
        try "x".write(to: aFile, atomically: true, encoding: .utf8)
        let tiny = ["--builtin-sentences", "100", "--emsize", "8", "--nhid", "8", "--epochs", "1"]
        try Self.expectOneLineError(
            ["train", "--save", aFile.appendingPathComponent("sub").path] + tiny,
            "cannot create the run folder \(aFile.path)/sub: \(aFile.path) is a file, not a directory")

        // A folder where the checkpoint file should be: training says so, and so does evaluate.
        let run = dir.appendingPathComponent("run")
        try FileManager.default.createDirectory(
            at: run.appendingPathComponent("model.safetensors"), withIntermediateDirectories: true)
        let result = try Self.expectOneLineError(
            ["train", "--save", run.path] + tiny, "cannot write \(run.path)/model.safetensors: it is a directory")
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
        let text = dir.appendingPathComponent("t.txt")
        try "the\n".write(to: text, atomically: true, encoding: .utf8)
        try Self.expectOneLineError(
            ["evaluate", "--checkpoint", run.path, "--text", text.path], "model.safetensors is a directory, not a checkpoint file"
        )

        // A folder given as a text file.
        let trained = dir.appendingPathComponent("trained")
        try #require(try CLI.run(["train", "--save", trained.path] + tiny).status == 0)
        try Self.expectOneLineError(
            ["evaluate", "--checkpoint", trained.path, "--text", dir.path], "\(dir.path) is a directory, not a text file")
        try Self.expectOneLineError(["ngrams", "--text", dir.path], "is a directory, not a text file")
        try Self.expectOneLineError(
            ["vectors", "--input", dir.path, "--output", dir.appendingPathComponent("w.vec").path],
            "\(dir.path) is a directory, not a text file")
        try Self.expectOneLineError(["neighbours", "--vectors", dir.path, "--word", "the"], "is a directory, not a vectors file")
        try Self.expectOneLineError(["wordsim", "--checkpoint", trained.path, dir.path], "is a directory, not a text file")
        try Self.expectOneLineError(
            ["classify", "train", "--train", dir.path, "--folds", "2"], "\(dir.path) is a directory, not a text file")
    }

    /// Output files of vectors, embed-plot and ngrams are checked before the work is done.
    @Test func outputPathsAreCheckedFirst() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = dir.appendingPathComponent("t.txt")
        try String(repeating: "the cat sat on the mat .\n", count: 50).write(to: text, atomically: true, encoding: .utf8)
        let vec = dir.appendingPathComponent("w.vec")
        try "3 2\nthe 1 0\ncat 0 1\nmat 1 1\n".write(to: vec, atomically: true, encoding: .utf8)
        let missing = dir.appendingPathComponent("no/such/folder/out").path
        let folder = dir.path

        let vectors = try Self.expectOneLineError(
            ["vectors", "--input", text.path, "--output", missing, "--min-count", "1", "--epoch", "1"],
            "cannot write \(missing): the folder \(dir.path)/no/such/folder does not exist")
        #expect(vectors.stdout.isEmpty, "nothing was read or trained: \(vectors.stdout)")
        let plot = try Self.expectOneLineError(
            ["embed-plot", "--vectors", vec.path, "--method", "pca", "--out", folder], "cannot write \(folder): it is a directory"
        )
        #expect(plot.stdout.isEmpty, "\(plot.stdout)")
        let coords = try Self.expectOneLineError(
            [
                "embed-plot", "--vectors", vec.path, "--method", "pca", "--out", dir.appendingPathComponent("e.svg").path,
                "--coords", missing
            ], "cannot write \(missing)")
        #expect(coords.stdout.isEmpty, "\(coords.stdout)")
        let ngrams = try Self.expectOneLineError(["ngrams", "--text", text.path, "--plot", folder], "it is a directory")
        #expect(ngrams.stdout.isEmpty, "the table is not printed before the check: \(ngrams.stdout)")
    }

    /// Each kind of checkpoint given to the other kind's command names the command that reads it.
    @Test func theOtherKindOfCheckpointPointsToItsCommand() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("labelled.txt")
        try ClassifyCLITests.toyData(count: 30).write(to: data, atomically: true, encoding: .utf8)
        let classifier = dir.appendingPathComponent("classifier")
        let trainedClassifier = try CLI.run(
            ["classify", "train", "--train", data.path, "--test", data.path, "--epochs", "1", "--save", classifier.path]
                + ClassifyCLITests.small)
        try #require(trainedClassifier.status == 0, "\(trainedClassifier.stderr)")
        let lm = dir.appendingPathComponent("lm")
        let trainedLM = try CLI.run([
            "train", "--builtin-sentences", "100", "--emsize", "8", "--nhid", "8", "--epochs", "1", "--save", lm.path
        ])
        try #require(trainedLM.status == 0, "\(trainedLM.stderr)")
        try Self.expectOneLineError(
            ["evaluate", "--checkpoint", classifier.path, "--text", data.path],
            "is a sentence-classifier checkpoint, not a language model's (perplex classify evaluate and predict read it)")
        try Self.expectOneLineError(
            ["classify", "evaluate", "--checkpoint", lm.path, "--data", data.path],
            "is a language-model checkpoint, not a sentence classifier's (perplex evaluate and generate read it)")

        // perplex report skips the classifier run with a note, and reports the language model.
        let report = try CLI.run(["report", dir.path, "--out", dir.appendingPathComponent("report.html").path])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("| skipped \(dir.path)/classifier is a sentence-classifier run"), "\(report.stdout)")
        #expect(report.stdout.contains("| report of 1 run:"), "\(report.stdout)")
        try Self.expectOneLineError(
            ["report", classifier.path, "--out", dir.appendingPathComponent("r.html").path], "is a sentence-classifier run")
    }

    /// `--unk` reads unknown words as `<unk>` when the vocabulary has it; without it an unknown word
    /// stays an error naming it.
    @Test func evaluateMapsUnknownWordsWithUnk() throws {
        let sentences = (0..<40).map { i in ["the cat sat", "a dog ran <unk>", "the <unk> sat", "a cat ran"][i % 4] }
        let text = sentences.joined(separator: "\n") + "\n"
        let data = try CLI.dataFolder(train: text, valid: text, test: text)
        defer { try? FileManager.default.removeItem(at: data) }
        let run = data.appendingPathComponent("run")
        let trained = try CLI.run([
            "train", "--data", data.path, "--emsize", "8", "--nhid", "8", "--epochs", "1", "--save", run.path
        ])
        try #require(trained.status == 0, "\(trained.stderr)")
        let unknown = data.appendingPathComponent("unknown.txt")
        try String(repeating: "the zebra sat on a cat\n", count: 10).write(to: unknown, atomically: true, encoding: .utf8)
        try Self.expectOneLineError(
            ["evaluate", "--checkpoint", run.path, "--text", unknown.path], "word 'zebra' is not in the vocabulary")
        let mapped = try CLI.run(["evaluate", "--checkpoint", run.path, "--text", unknown.path, "--unk"])
        #expect(mapped.status == 0, "\(mapped.stderr)")
        #expect(mapped.stdout.contains("| 20 words outside the vocabulary (2 distinct) read as <unk>"), "\(mapped.stdout)")
        #expect(mapped.stdout.contains("ppl"), "\(mapped.stdout)")

        let plain = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: plain) }
        try #require(
            try CLI.run([
                "train", "--builtin-sentences", "100", "--emsize", "8", "--nhid", "8", "--epochs", "1", "--save", plain.path
            ]).status == 0)
        try Self.expectOneLineError(
            ["evaluate", "--checkpoint", plain.path, "--text", unknown.path, "--unk"], "the checkpoint's vocabulary has no <unk>")
    }

    /// A sweep rerun into the same --out with other flags is refused before anything trains,
    /// unless --overwrite; the grid's keys leave hidden options out.
    @Test func sweepRerunWithOtherFlags() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("sweep").path
        let grid = ["sweep", "--grid", "nlayers=1", "--out", out] + SweepCLITests.tiny
        let first = try CLI.run(grid)
        try #require(first.status == 0, "\(first.stderr)")
        let changed = try Self.expectOneLineError(
            grid + ["--dropout", "0"],
            "holds a sweep trained with other train flags ('\(SweepCLITests.tiny.joined(separator: " "))' then, '\((SweepCLITests.tiny + ["--dropout", "0"]).joined(separator: " "))' now); add --overwrite"
        )
        #expect(!changed.stdout.contains("training in"), "\(changed.stdout)")
        let overwritten = try CLI.run(grid + ["--dropout", "0", "--overwrite"])
        #expect(overwritten.status == 0, "\(overwritten.stderr)")
        #expect(overwritten.stdout.contains("| sweep run 1/1 nlayers=1 (retraining: its settings changed): training in"))
        let again = try CLI.run(grid + ["--dropout", "0"])
        #expect(again.status == 0 && again.stdout.contains("finished earlier"), "\(again.stderr)")

        let keys = try CLI.run(["sweep", "--grid", "embsize=8", "--out", out])
        #expect(keys.stderr.contains("keys are perplex train's options: ") && !keys.stderr.contains("fail-rank-after"))
        try Self.expectOneLineError(["sweep", "--grid", "fail-rank-after=1", "--out", out], "unknown grid key 'fail-rank-after'")
    }
}
