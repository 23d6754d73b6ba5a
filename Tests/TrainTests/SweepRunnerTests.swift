import Foundation
import Testing
import Train

/// The sweep loop with a stand-in for training: markers, skipping, restarting, stopping.
@Suite struct SweepRunnerTests {
    /// Writes what a finished (or interrupted) `perplex train` leaves in a run folder.
    static func fakeTraining(_ folder: SweepFolder, _ settings: SweepSettings, interrupted: Bool = false) {
        let url = folder.runFolder(settings)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let config = #"{"data":"built-in","parameters":1234,"model":{"kind":"LSTM"}}"#
        let metrics =
            #"{"type":"epoch","epoch":1,"seconds":1.5,"train_loss":5,"valid_loss":4}"# + "\n"
            + #"{"type":"test","test_loss":3,"interrupted":\#(interrupted)}"# + "\n"
        try? config.write(to: url.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        try? metrics.write(to: url.appendingPathComponent("metrics.jsonl"), atomically: true, encoding: .utf8)
    }

    func makeRunner(_ items: [String], flags: [String] = ["--epochs=1"]) throws -> (SweepRunner, SweepFolder) {
        let folder = SweepFolder(url: FileManager.default.temporaryDirectory.appendingPathComponent("perplex-sweep-\(UUID())"))
        let plan = SweepFolder.Plan(grid: try SweepGrid(items: items), trainArguments: flags)
        return (
            SweepRunner(folder: folder, plan: plan) { ["train"] + flags + $0.settings.map { "--\($0.key)=\($0.value)" } }, folder
        )
    }

    @Test func finishedRunsAreSkippedAndOthersRestart() throws {
        let (runner, folder) = try makeRunner(["model=LSTM,GRU", "nlayers=1"])
        defer { try? FileManager.default.removeItem(at: folder.url) }
        var trained: [String] = []
        let first = try runner.run(log: { _ in }) { settings, arguments in
            trained.append(settings.label)
            #expect(arguments == ["train", "--epochs=1", "--model=\(settings["model"] ?? "")", "--nlayers=1"])
            Self.fakeTraining(folder, settings)
            return .succeeded
        }
        #expect(trained == ["model=LSTM,nlayers=1", "model=GRU,nlayers=1"])
        #expect(first.rows.map(\.status) == [.finished, .finished] && first.interruptedAt == nil)
        #expect(first.rows[0].parameters == 1234 && first.rows[0].testPerplexity == exp(3))
        #expect(first.table.split(separator: "\n").count == 4)

        // Remove one marker and leave a stale file in that run's folder: only that run trains again, from a clean folder.
        let gru = runner.plan.grid.runs[1]
        try FileManager.default.removeItem(at: folder.marker(gru))
        try "stale".write(to: folder.runFolder(gru).appendingPathComponent("stale.txt"), atomically: true, encoding: .utf8)
        trained = []
        var log: [String] = []
        let second = try runner.run(log: { log.append($0) }) { settings, _ in
            trained.append(settings.label)
            #expect(!FileManager.default.fileExists(atPath: folder.runFolder(settings).appendingPathComponent("stale.txt").path))
            Self.fakeTraining(folder, settings)
            return .succeeded
        }
        #expect(trained == ["model=GRU,nlayers=1"])
        #expect(log[0] == "| sweep run 1/2 model=LSTM,nlayers=1: finished earlier (test ppl 20.09), skipped")
        #expect(log[1].hasPrefix("| sweep run 2/2 model=GRU,nlayers=1 (restarting an unfinished run): training in "))
        #expect(second.rows == first.rows)
        let results = try JSONDecoder().decode(SweepFolder.Results.self, from: Data(contentsOf: folder.resultsJSON))
        #expect(results.runs == first.rows && results.trainArguments == ["--epochs=1"])
        #expect(try String(contentsOf: folder.resultsMarkdown, encoding: .utf8) == first.table)
    }

    /// A finished run recorded with other flags is not taken for finished: the sweep is refused
    /// before anything trains, naming the run and both settings, unless `overwrite`.
    @Test func otherTrainFlagsAreRefusedUnlessOverwritten() throws {
        let (runner, folder) = try makeRunner(["model=LSTM"])
        defer { try? FileManager.default.removeItem(at: folder.url) }
        _ = try runner.run(log: { _ in }) { settings, _ in
            Self.fakeTraining(folder, settings)
            return .succeeded
        }
        var changed = SweepRunner(folder: folder, plan: runner.plan) { _ in ["train", "--epochs=2", "--model=LSTM"] }
        var count = 0
        #expect(
            throws: SweepError(
                "run model=LSTM in \(folder.url.path) finished with other settings ('train --epochs=1 --model=LSTM' then, "
                    + "'train --epochs=2 --model=LSTM' now); add --overwrite to train them again with the new settings, or choose another --out"
            )
        ) {
            try changed.run(log: { _ in }) { _, _ in
                count += 1
                return .succeeded
            }
        }
        #expect(count == 0)
        changed.overwrite = true
        var log: [String] = []
        _ = try changed.run(log: { log.append($0) }) { settings, _ in
            count += 1
            Self.fakeTraining(folder, settings)
            return .succeeded
        }
        #expect(count == 1)
        #expect(
            log.first?.hasPrefix("| sweep run 1/1 model=LSTM (retraining: its settings changed): training in ") == true, "\(log)")
    }

    @Test func anInterruptStopsTheSweepWithoutAMarker() throws {
        let (runner, folder) = try makeRunner(["emsize=8,16,32"])
        defer { try? FileManager.default.removeItem(at: folder.url) }
        var count = 0
        let summary = try runner.run(log: { _ in }) { settings, _ in
            count += 1
            if count == 1 {
                Self.fakeTraining(folder, settings)
                return .succeeded
            }
            Self.fakeTraining(folder, settings, interrupted: true)
            return .succeeded  // training itself says it was stopped early
        }
        #expect(count == 2 && summary.interruptedAt == 2)
        #expect(summary.rows.map(\.status) == [.finished, .unfinished, .unfinished])
        #expect(summary.rows[1].epochs == 1)  // what the stopped run had done is still shown
        #expect(!FileManager.default.fileExists(atPath: folder.marker(runner.plan.grid.runs[1]).path))
    }

    @Test func failedRunsAreRecordedAndTheSweepGoesOn() throws {
        let (runner, folder) = try makeRunner(["emsize=8,16"])
        defer { try? FileManager.default.removeItem(at: folder.url) }
        let summary = try runner.run(log: { _ in }) { settings, _ in
            if settings["emsize"] == "8" { return .failed("perplex train exited with status 1") }
            Self.fakeTraining(folder, settings)
            return .succeeded
        }
        #expect(summary.rows.map(\.status) == [.failed, .finished] && summary.failed == 1)
        #expect(summary.rows[0].message == "perplex train exited with status 1")
        #expect(!FileManager.default.fileExists(atPath: folder.marker(runner.plan.grid.runs[0]).path))
    }
}
