import Foundation
import Testing

/// `perplex exercise`: the source documents' worked examples, recomputed.
@Suite struct ExerciseCLITests {
    @Test func convReproducesTheDocumentsInputGradient() throws {
        let result = try CLI.run(["exercise", "conv"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("output [1, 1, 3, 3]"))
        #expect(result.stdout.contains("equals the document's 5×5 gradient matrix: yes"))
    }

    @Test func convComputesTheOutputOfAGivenImage() throws {
        // All ones: every output is the filter's sum, 39.
        let ones = Array(repeating: "1", count: 25).joined(separator: ",")
        let result = try CLI.run(["exercise", "conv", "--image", ones])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("  39 39 39\n  39 39 39\n  39 39 39"))
    }

    @Test func batchNormGradientsMatchTheDocumentsFormulas() throws {
        let result = try CLI.run(["exercise", "batchnorm"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let rows = result.stdout.split(separator: "\n").filter { $0.hasPrefix("| ∂E/∂") }
        #expect(rows.count == 3)
        for row in rows {
            let worst = Double(row.split(separator: "|").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? 1
            #expect(worst < 1e-5, "\(row)")
        }
    }

    @Test func dropout2dDropsWholeChannelsAndScalesTheRest() throws {
        let result = try CLI.run(["exercise", "dropout2d", "--p", "0.5"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("every channel all zero or all kept: yes"))
        #expect(result.stdout.contains("kept values: 2.0000"))
        #expect(result.stdout.contains("evaluation: output is the input unchanged: yes"))
    }

    @Test func badInputIsOneLineAndNonZero() throws {
        for (arguments, fragment) in [
            (["exercise", "pooling"], "pooling"),
            (["exercise", "conv", "--image", "1,2"], "--image needs 25"),
            (["exercise", "conv", "--image", Array(repeating: "x", count: 25).joined(separator: ",")], "--image needs 25"),
            (["exercise", "batchnorm", "--image", "1"], "--image applies only to conv"),
            (["exercise", "conv", "--p", "0.3"], "apply only to dropout2d"),
            (["exercise", "dropout2d", "--p", "1"], "--p must be in [0, 1)"),
            (["exercise", "dropout2d", "--p", "nan"], "--p must be in [0, 1)")
        ] {
            let result = try CLI.run(arguments)
            #expect(!result.crashed && result.status != 0, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(fragment), "\(arguments): \(result.stderr)")
        }
    }
}
