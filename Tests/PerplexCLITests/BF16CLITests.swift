import Foundation
import Testing

/// `perplex --version` names the matrix-product kernels, and PERPLEX_NO_BF16 turns the bfloat16
/// path off as a CPU without AVX-512 BF16 would have it.
@Suite struct BF16CLITests {
    @Test func versionNamesTheKernels() throws {
        let result = try CLI.run(["--version"])
        #expect(result.status == 0)
        let line = result.stdout.split(separator: "\n").first { $0.hasPrefix("matrix products: Float32") }
        #expect(line != nil, "no kernel line in: \(result.stdout)")
        #expect(line?.contains("bfloat16") == true)
    }

    @Test func environmentDisablesTheFastPath() throws {
        let result = try CLI.run(["--version"], environment: ["PERPLEX_NO_BF16": "1"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("falls back to Float32"), "\(result.stdout)")
        #expect(!result.stdout.contains("VDPBF16PS"))
    }
}

/// `--precision` on train, evaluate and generate.
@Suite struct PrecisionCLITests {
    static let tiny = SentenceContextCLITests.tiny

    @Test func trainEvaluateGenerateInBF16() throws {
        let run = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: run) }
        let trained = try CLI.run(["train", "--model", "LSTM", "--precision", "bf16", "--save", run.path] + Self.tiny)
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("| test acc"), "\(trained.stdout)")
        let config = try String(contentsOf: run.appendingPathComponent("config.json"), encoding: .utf8)
        #expect(config.contains(#""precision" : "bf16""#), "\(config)")
        let text = run.appendingPathComponent("sample.txt")
        try "the dog runs\nevery cat sees a bird\n".write(to: text, atomically: false, encoding: .utf8)
        let evaluated = try CLI.run([
            "evaluate", "--checkpoint", run.path, "--text", text.path, "--batch-size", "2", "--bptt", "3", "--precision",
            "bf16"
        ])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        #expect(evaluated.stdout.contains("| ppl"), "\(evaluated.stdout)")
        let generated = try CLI.run([
            "generate", "--checkpoint", run.path, "--words", "12", "--prompt", "the dog", "--precision", "bf16"
        ])
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(generated.stdout.hasPrefix("the dog"), "\(generated.stdout)")
    }

    /// Without the kernels bf16 says so in one line and trains exactly as fp32 does.
    @Test func withoutTheKernelsBF16IsFloat32() throws {
        func train(_ precision: String) throws -> (notice: Bool, test: String) {
            let run = try CLI.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: run) }
            let result = try CLI.run(
                ["train", "--model", "GRU", "--precision", precision, "--save", run.path] + Self.tiny,
                environment: ["PERPLEX_NO_BF16": "1"])
            #expect(result.status == 0, "\(result.stderr)")
            let test = result.stdout.split(separator: "\n").first { $0.contains("| test loss") }.map(String.init) ?? ""
            let output = result.stdout + result.stderr
            return (output.contains("--precision bf16: PERPLEX_NO_BF16") || output.contains("--precision bf16: this CPU"), test)
        }
        let bf16 = try train("bf16")
        let fp32 = try train("fp32")
        #expect(bf16.notice && !fp32.notice)
        #expect(!bf16.test.isEmpty && bf16.test == fp32.test, "\(bf16.test) vs \(fp32.test)")
    }

    @Test func unknownPrecisionIsOneLine() throws {
        let result = try CLI.run(["train", "--precision", "fp16"] + Self.tiny)
        #expect(result.status != 0)
        #expect(result.stderr.contains("fp16") && result.stderr.contains("precision"), "\(result.stderr)")
    }
}
