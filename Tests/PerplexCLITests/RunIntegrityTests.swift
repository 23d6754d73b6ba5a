import Foundation
import Testing

/// Nothing lost between runs: resuming goes on exactly where training stopped, a refused or
/// failed run leaves an existing run folder as it was, and Ctrl-C keeps what there is.
@Suite struct RunIntegrityTests {
    static let small = ["--builtin-sentences", "200", "--emsize", "12", "--nhid", "12", "--bptt", "8", "--log-interval", "1000"]

    static func files(_ run: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: run.path) {
            result[name] = try Data(contentsOf: run.appendingPathComponent(name))
        }
        return result
    }

    static func epochs(_ run: URL) throws -> [Int] {
        try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n").compactMap {
            let object = try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            return object?["type"] as? String == "epoch" ? object?["epoch"] as? Int : nil
        }
    }

    /// With dropout, one epoch then `--resume` to two gives the model two epochs straight give:
    /// the random generator's state travels in the checkpoint.
    @Test func resumingWithDropoutEqualsTrainingStraight() throws {
        let (straight, split) = (try CLI.temporaryDirectory(), try CLI.temporaryDirectory())
        defer { for run in [straight, split] { try? FileManager.default.removeItem(at: run) } }
        let flags = ["train", "--dropout", "0.3", "--seed", "4"] + Self.small
        #expect(try CLI.run(flags + ["--epochs", "2", "--save", straight.path]).status == 0)
        #expect(try CLI.run(flags + ["--epochs", "1", "--save", split.path]).status == 0)
        let resumed = try CLI.run(flags + ["--epochs", "2", "--resume", split.path, "--save", split.path])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        for name in ["model.safetensors", "last.safetensors"] {
            let (a, b) = try (
                Data(contentsOf: straight.appendingPathComponent(name)), Data(contentsOf: split.appendingPathComponent(name))
            )
            #expect(!a.isEmpty && a == b, "\(name) differs between straight and resumed training")
        }
    }

    /// Resuming goes on from the last epoch, not the best: an epoch that did not improve (a
    /// learning rate too small to move a weight) is not trained again.
    @Test func resumingGoesOnFromTheLastEpoch() throws {
        let run = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: run) }
        let flags = ["train", "--dropout", "0", "--lr", "1e-30"] + Self.small
        #expect(try CLI.run(flags + ["--epochs", "2", "--save", run.path]).status == 0)
        let resumed = try CLI.run(flags + ["--epochs", "3", "--resume", run.path, "--save", run.path])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("after epoch 2"))
        #expect(try Self.epochs(run) == [1, 2, 3])
    }

    /// A run that fails its checks, a refused `--resume` and a second run into the same folder all
    /// leave a finished run's folder byte for byte as it was; `--overwrite` replaces it whole.
    @Test func refusedRunsLeaveAFinishedRunAlone() throws {
        let run = try CLI.temporaryDirectory()
        let tinyValid = try CLI.dataFolder(train: String(repeating: "a b c d e f\n", count: 50), valid: "a b\n", test: "a b c\n")
        defer { for url in [run, tinyValid] { try? FileManager.default.removeItem(at: url) } }
        #expect(try CLI.run(["train", "--epochs", "1", "--save", run.path] + Self.small).status == 0)
        let before = try Self.files(run)
        let attempts: [([String], String)] = [
            (["train", "--data", tinyValid.path, "--epochs", "1", "--save", run.path, "--overwrite"], "validation text"),
            (["train", "--epochs", "1", "--resume", run.path, "--save", run.path] + Self.small, "already been trained"),
            (["train", "--epochs", "1", "--save", run.path] + Self.small, "--overwrite")
        ]
        for (arguments, message) in attempts {
            let result = try CLI.run(arguments)
            #expect(result.status != 0 && !result.crashed && result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(try Self.files(run) == before, "\(arguments) changed the run folder")
        }
        let replaced = try CLI.run(["train", "--epochs", "1", "--seed", "9", "--save", run.path, "--overwrite"] + Self.small)
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try Self.epochs(run) == [1])
    }

    /// Relative run folders of one character (Foundation's path splitting traps on them) train and resume.
    @Test func oneCharacterRunFolders() throws {
        let work = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        for save in ["h", "h/"] {
            let trained = try CLI.run(["train", "--epochs", "1", "--save", save, "--overwrite"] + Self.small, in: work)
            #expect(trained.status == 0 && !trained.crashed, "--save \(save): \(trained.stderr)")
        }
        let resumed = try CLI.run(["train", "--epochs", "2", "--resume", "h", "--save", "h"] + Self.small, in: work)
        #expect(resumed.status == 0 && !resumed.crashed, "\(resumed.stderr)")
    }

    /// Ctrl-C before the first epoch ends still leaves a model to evaluate and a state to resume.
    @Test func interruptInTheFirstEpochKeepsTheModel() throws {
        let run = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: run) }
        let (process, out, _) = try CLI.start(
            ["train", "--builtin-sentences", "20000", "--epochs", "1", "--log-interval", "5", "--save", run.path])
        // Wait for the first logged batches, then interrupt.
        let handle = out.fileHandleForReading
        var seen = ""
        let deadline = Date().addingTimeInterval(60)
        while !seen.contains("batches |") && Date() < deadline { seen += String(decoding: handle.availableData, as: UTF8.self) }
        kill(process.processIdentifier, SIGINT)
        seen += String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 && seen.contains("Exiting from training early"))
        #expect(!seen.contains("end of epoch"), "the epoch finished before the interrupt; the test needs a longer epoch")
        for name in ["model.safetensors", "last.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(name).path), "\(name) missing")
        }
        let text = run.appendingPathComponent("sample.txt")
        try "the dog runs\n".write(to: text, atomically: false, encoding: .utf8)
        let evaluated = try CLI.run([
            "evaluate", "--checkpoint", run.path, "--text", text.path, "--batch-size", "1", "--bptt", "2"
        ])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let resumed = try CLI.run([
            "train", "--builtin-sentences", "20000", "--epochs", "1", "--max-batches", "40", "--resume", run.path, "--save",
            run.path
        ])
        #expect(resumed.status == 0 && resumed.stdout.contains("of epoch 1"), "\(resumed.stderr)")
    }
}
