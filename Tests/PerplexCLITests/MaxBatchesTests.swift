import Foundation
import Testing

/// `perplex train --max-batches` (timing runs): epochs cut short, speeds printed, bad values refused.
@Suite struct MaxBatchesTests {
    @Test func epochsStopAfterMaxBatches() throws {
        let run = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: run) }
        let trained = try CLI.run([
            "train", "--epochs", "2", "--max-batches", "3", "--log-interval", "1", "--save", run.path,
            "--builtin-sentences", "300", "--emsize", "8", "--nhid", "8", "--bptt", "5"
        ])
        #expect(trained.status == 0, "\(trained.stderr)")
        let logLines = trained.stdout.split(separator: "\n").filter { $0.contains(" batches | lr") }
        #expect(logLines.count == 6, "\(trained.stdout)")
        #expect(logLines.allSatisfy { $0.contains("/    3 batches") })
        #expect(trained.stdout.contains("| training speed") && trained.stdout.contains("| validation speed"))
    }

    /// `--profile` ends with the stage table and the per-op table of the forward and backward stages.
    @Test func profilePrintsStagesAndOps() throws {
        let run = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: run) }
        let trained = try CLI.run([
            "train", "--epochs", "1", "--max-batches", "3", "--profile", "--save", run.path,
            "--builtin-sentences", "300", "--emsize", "8", "--nhid", "8", "--bptt", "5"
        ])
        #expect(trained.status == 0, "\(trained.stderr)")
        for row in ["| forward ", "| backward ", "| optimizer step ", "| op, output shape ", "| lstm_stack 5×20×8 "] {
            #expect(trained.stdout.contains(row), "no \(row) row in \(trained.stdout)")
        }
        // Ops under 1 % of the time fold into one row: on a loaded machine the tiny decoder can.
        #expect(
            trained.stdout.contains("| linear_cross_entropy ") || trained.stdout.contains("| (other ops) "),
            "\(trained.stdout)")
    }

    @Test func negativeMaxBatchesIsRefused() throws {
        let result = try CLI.run(["train", "--max-batches=-1", "--epochs", "1", "--emsize", "8", "--nhid", "8"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--max-batches must be non-negative"), "\(result.stderr)")
    }
}
