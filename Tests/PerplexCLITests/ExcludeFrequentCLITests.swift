import Foundation
import Testing

/// `perplex train --exclude-frequent K:E,…`: the console names each stage and each epoch's K, and
/// bad stages are one-line errors.
@Suite struct ExcludeFrequentCLITests {
    static let tiny = [
        "train", "--builtin-sentences", "100", "--emsize", "8", "--nhid", "8", "--batch-size", "4", "--bptt", "6"
    ]

    @Test(arguments: ["NPLM", "LSTM"])
    func stagesAreNamedOnTheConsoleAndInTheMetrics(kind: String) throws {
        let run = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: run) }
        let trained = try CLI.run(
            Self.tiny + ["--model", kind, "--epochs", "3", "--exclude-frequent", "5:1,2:1", "--save", run.path])
        #expect(trained.status == 0, "\(trained.stderr)")
        let out = trained.stdout
        #expect(out.contains("| stage 1 of 2, epoch 1: training leaves out targets among the 5 most frequent words ("), "\(out)")
        #expect(out.contains("| stage 2 of 2, epoch 2: training leaves out targets among the 2 most frequent words ("), "\(out)")
        #expect(out.contains("| epoch 3 on: every training target counts (--exclude-frequent 5:1,2:1 done)"), "\(out)")
        let ends = out.split(separator: "\n").filter { $0.hasPrefix("| end of epoch") }
        #expect(ends.count == 3)
        #expect(ends.first?.hasSuffix("| trained without the top 5 targets") ?? false, "\(ends)")
        #expect(ends.last?.hasSuffix("| trained on all targets") ?? false, "\(ends)")
        let config = try String(contentsOfFile: run.appendingPathComponent("config.json").path, encoding: .utf8)
        #expect(config.contains("\"excludeFrequent\" : \"5:1,2:1\""), "\(config)")
        let metrics = try String(contentsOfFile: run.appendingPathComponent("metrics.jsonl").path, encoding: .utf8)
        #expect(metrics.contains("\"excluded_frequent\":5") && metrics.contains("\"excluded_frequent\":0"), "\(metrics)")
    }

    @Test(arguments: [
        (
            ["--exclude-frequent", "10"],
            "--exclude-frequent 10: give K:EPOCHS stages separated by commas, K shrinking (e.g. 10:2,5:2,2:2)"
        ),
        (
            ["--exclude-frequent", "10:2;5:2"],
            "--exclude-frequent 10:2;5:2: give K:EPOCHS stages separated by commas, K shrinking (e.g. 10:2,5:2,2:2)"
        ),
        (
            ["--exclude-frequent", "10:0"],
            "--exclude-frequent 10:0: stage 1 (10:0) lasts no epoch; a stage's epochs must be at least 1"
        ),
        (
            ["--exclude-frequent", "2:1,5:1"],
            "--exclude-frequent 2:1,5:1: stage 2 (5:1): K must shrink from stage to stage (2, then fewer)"
        ),
        (["--exclude-frequent", "0:1"], "--exclude-frequent 0:1: stage 1 (0:1) excludes no word; K must be at least 1"),
        (
            ["--exclude-frequent", "100000:1"],
            "distinct words of the training text (none would be left to predict)"
        ),
        (
            ["--exclude-frequent", "5:1", "--max-iters", "5"],
            "--exclude-frequent does not apply to --max-iters training (its stages are epochs)"
        )
    ])
    func badStagesAreOneLineErrors(_ c: ([String], String)) throws {
        let run = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: run) }
        let folder = run.appendingPathComponent("run").path
        let result = try CLI.run(Self.tiny + ["--epochs", "2", "--save", folder] + c.0)
        #expect(!result.crashed && result.status != 0)
        #expect(result.stderr.hasPrefix("error: ") && result.stderr.hasSuffix("\(c.1)\n"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder), "the refused run made its folder")
    }
}
