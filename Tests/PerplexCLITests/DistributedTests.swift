import Formats
import Foundation
import NN
import Testing

/// `perplex train` under `mpirun` (issue 10): two ranks with batch 10 each take the steps of one
/// process with batch 20; ranks started with different flags, or a rank that dies, stop the job
/// with a clear error and a non-zero exit, and the last checkpoint still loads and resumes.
/// Needs `mpirun` and the MPI build (.build-mpi); skipped with a printed reason otherwise.
@Suite(.enabled(if: MPIRun.available, "needs mpirun and PERPLEX_MPI=1 swift build --scratch-path .build-mpi"), .serialized)
struct DistributedTests {
    static let small = [
        "--builtin-sentences", "1500", "--emsize", "32", "--nhid", "32", "--bptt", "10", "--dropout", "0",
        "--log-interval", "1"
    ]

    /// The per-batch training losses of a run folder's metrics.jsonl, then its validation and test losses.
    func losses(_ run: URL) throws -> (batches: [Double], valid: [Double], test: [Double]) {
        let lines = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        var result: (batches: [Double], valid: [Double], test: [Double]) = ([], [], [])
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            switch object["type"] as? String {
            case "batch": result.batches.append(object["loss"] as? Double ?? .nan)
            case "epoch": result.valid.append(object["valid_loss"] as? Double ?? .nan)
            case "test": result.test.append(object["test_loss"] as? Double ?? .nan)
            default: break
            }
        }
        return result
    }

    func expectClose(_ a: [Double], _ b: [Double], relative: Double, _ what: String) {
        #expect(a.count == b.count, "\(what): \(a.count) vs \(b.count) values")
        let worst = zip(a, b).map { abs($0 - $1) / max(abs($0), 1e-12) }.max() ?? .nan
        #expect(worst <= relative, "\(what): largest relative difference \(worst)")
    }

    @Test func twoRanksOfTenFollowOneProcessOfTwenty() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let single = dir.appendingPathComponent("single")
        let pair = dir.appendingPathComponent("pair")
        let steps = ["--epochs", "1", "--max-batches", "50"]
        let one = try CLI.run(["train", "--batch-size", "20", "--save", single.path] + steps + Self.small)
        #expect(one.status == 0, "\(one.stderr)")
        let two = try MPIRun.run(["-np", "2"], ["train", "--batch-size", "10", "--save", pair.path] + steps + Self.small)
        #expect(two.status == 0, "\(two.output)")
        #expect(two.output.contains("data-parallel over 2 ranks") && two.output.contains("all-reduce"), "\(two.output)")
        #expect(two.output.components(separatedBy: "| End of training").count == 2, "only rank 0 reports: \(two.output)")

        let (a, b) = (try losses(single), try losses(pair))
        #expect(a.batches.count == 50)
        expectClose(a.batches, b.batches, relative: 1e-4, "training losses")
        expectClose(a.valid + a.test, b.valid + b.test, relative: 1e-4, "validation and test losses")

        let (x, y) = (
            try SafeTensors.read(contentsOf: single.appendingPathComponent("model.safetensors")),
            try SafeTensors.read(contentsOf: pair.appendingPathComponent("model.safetensors"))
        )
        func config(_ file: SafeTensors) -> NSDictionary? {
            file.metadata["perplex.config"].flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? NSDictionary }
        }
        #expect(config(x) != nil && config(x) == config(y))
        #expect(x.metadata["perplex.vocabulary"] == y.metadata["perplex.vocabulary"])
        let (first, second) = (x.dictionary, y.dictionary)
        #expect(Set(first.keys) == Set(second.keys))
        for (name, tensor) in first {
            guard let other = second[name], other.shape == tensor.shape else {
                Issue.record("\(name) differs in shape")
                continue
            }
            var worst: Float = 0
            var largest: Float = 0
            for i in 0..<tensor.count {
                worst = max(worst, abs(tensor.pointer[i] - other.pointer[i]))
                largest = max(largest, abs(tensor.pointer[i]))
            }
            #expect(worst <= 1e-4 * max(largest, 1), "\(name): max difference \(worst) (largest value \(largest))")
        }
    }

    /// Overlap and sparse embedding rows (both on by default, as in the test above) change when
    /// and how the gradients travel, not one bit of the result: two ranks add a + b either way.
    @Test func overlapAndSparseRowsChangeNoBit() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let steps = ["--epochs", "1", "--max-batches", "20", "--batch-size", "10"]
        var runs: [URL] = []
        for (name, flags) in [("both", []), ("neither", ["--no-overlap", "--no-sparse-embedding"]), ("sparse", ["--no-overlap"])]
        {
            let run = dir.appendingPathComponent(name)
            let result = try MPIRun.run(["-np", "2"], ["train", "--save", run.path] + steps + Self.small + flags)
            #expect(result.status == 0, "\(result.output)")
            let sparse = name == "neither" ? "embedding rows sparse in 0 steps" : "embedding rows sparse in 20 steps"
            #expect(result.output.contains(sparse), "\(result.output)")
            runs.append(run)
        }
        let curves = try runs.map { try losses($0) }
        #expect(curves[0].batches.count == 20)
        #expect(curves[0].batches == curves[1].batches && curves[0].batches == curves[2].batches)
        #expect(curves[0].test == curves[1].test && curves[0].test == curves[2].test)
        let files = try runs.map { try SafeTensors.read(contentsOf: $0.appendingPathComponent("model.safetensors")).dictionary }
        for (name, tensor) in files[0] {
            for other in files.dropFirst() {
                let same = other[name].map { o in
                    o.shape == tensor.shape && (0..<tensor.count).allSatisfy { tensor.pointer[$0] == o.pointer[$0] }
                }
                #expect(same == true, "\(name) differs")
            }
        }
    }

    /// With dropout every rank draws its own masks, from streams fixed by the seed and the rank.
    @Test func runsWithDropoutAreReproducible() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var curves: [[Double]] = []
        for name in ["a", "b"] {
            let run = dir.appendingPathComponent(name)
            let result = try MPIRun.run(
                ["-np", "2"],
                [
                    "train", "--batch-size", "10", "--epochs", "1", "--max-batches", "10",
                    "--save", run.path
                ] + Self.small + ["--dropout", "0.5"])
            #expect(result.status == 0, "\(result.output)")
            curves.append(try losses(run).batches)
        }
        #expect(curves[0].count == 10 && curves[0] == curves[1])
    }

    @Test func ranksWithDifferentFlagsStopWithOneLineEach() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let common = ["train", "--epochs", "1", "--save", dir.path, "--builtin-sentences", "300", "--emsize", "8", "--nhid", "8"]
        let result = try MPIRun.run(["-np", "1"], common + ["--bptt", "10", ":"] + common + ["--bptt", "12"], timeout: 120)
        #expect(result.status != 0)
        #expect(
            result.output.contains("error: rank 1: options differ from rank 0's: training.bptt 12 here but 10 on rank 0"),
            "\(result.output)")
        #expect(result.output.contains("error: rank 0: 1 of 2 ranks were started with options that differ"), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("model.safetensors").path))
    }

    @Test func aKilledRankStopsTheJobAndTheCheckpointResumes() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = ["train", "--save", dir.path, "--max-batches", "10", "--batch-size", "10"] + Self.small
        // Ten steps an epoch; the last rank kills itself (SIGKILL) in the third epoch, after two checkpoints.
        let killed = try MPIRun.run(["-np", "2"], run + ["--epochs", "1000", "--fail-rank-after", "25"], timeout: 120)
        #expect(killed.status != 0, "\(killed.output)")
        #expect(killed.seconds < 30, "the job took \(killed.seconds) s to stop")
        #expect(killed.output.contains("end of epoch   2") && !killed.output.contains("end of epoch   3"), "\(killed.output)")

        let text = dir.appendingPathComponent("t.txt")
        try "the dog runs\n".write(to: text, atomically: false, encoding: .utf8)
        let evaluated = try CLI.run([
            "evaluate", "--checkpoint", dir.path, "--text", text.path, "--batch-size", "1", "--bptt", "2"
        ])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")

        let resumed = try MPIRun.run(["-np", "2"], run + ["--epochs", "3", "--resume", dir.path], timeout: 120)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.output.contains("after epoch 2") && resumed.output.contains("end of epoch   3"), "\(resumed.output)")
        #expect(!resumed.output.contains("end of epoch   1 "), "\(resumed.output)")
    }
}
