import Foundation
import Testing

/// PyTorch `.pt` files through the command line (fixtures of Tests/ModelsTests/Fixtures/torch,
/// made by scripts/fixtures/torch_pt.py): every command that reads a checkpoint reads one with
/// --data, says in one line that it needs --data without it, and refuses hostile pickles.
@Suite struct TorchCLITests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../ModelsTests/Fixtures/torch").standardized
    static let data = folder.appendingPathComponent("data").path
    static func pt(_ name: String) -> String { folder.appendingPathComponent("\(name).pt").path }

    static func ppl(_ output: String) -> String? {
        output.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix("ppl ") }
    }

    @Test func convertEvaluateGenerateExportRoundTrip() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = dir.appendingPathComponent("run").path
        let converted = try CLI.run(["convert", Self.pt("transformer"), "--data", Self.data, "--out", run])
        #expect(converted.status == 0, "\(converted.stderr)")
        #expect(converted.stdout.contains("Transformer emsize 4 nhid 8 nlayers 2 nhead 2 final norm"))
        let direct = try CLI.run(["evaluate", "--checkpoint", Self.pt("transformer"), "--data", Self.data, "--batch-size", "2"])
        let fromRun = try CLI.run(["evaluate", "--checkpoint", run, "--data", Self.data, "--batch-size", "2"])
        #expect(direct.status == 0 && fromRun.status == 0, "\(direct.stderr)\(fromRun.stderr)")
        #expect(Self.ppl(direct.stdout) != nil && Self.ppl(direct.stdout) == Self.ppl(fromRun.stdout))

        let back = dir.appendingPathComponent("back.pt").path
        let saved = try CLI.run(["convert", run, "--out", back])
        #expect(saved.status == 0, "\(saved.stderr)")
        let reread = try CLI.run(["evaluate", "--checkpoint", back, "--data", Self.data, "--batch-size", "2"])
        #expect(reread.status == 0, "\(reread.stderr)")
        #expect(Self.ppl(reread.stdout) == Self.ppl(direct.stdout))

        let generated = try CLI.run(["generate", "--checkpoint", Self.pt("lstm_tied"), "--data", Self.data, "--words", "5"])
        #expect(generated.status == 0, "\(generated.stderr)")
        let vec = dir.appendingPathComponent("v.vec").path
        let exported = try CLI.run(["export-vectors", "--checkpoint", Self.pt("gru_state"), "--data", Self.data, "--output", vec])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(try String(contentsOfFile: vec, encoding: .utf8).hasPrefix("11 4\n"))
    }

    @Test func withoutDataEachCommandSaysSoInOneLine() throws {
        let commands: [[String]] = [
            ["evaluate", "--checkpoint", Self.pt("lstm_tied")], ["generate", "--checkpoint", Self.pt("lstm_tied")],
            ["export-vectors", "--checkpoint", Self.pt("lstm_tied"), "--output", "/dev/null"],
            ["convert", Self.pt("lstm_tied"), "--out", "/tmp/never-written-perplex-run"]
        ]
        for arguments in commands {
            let result = try CLI.run(arguments)
            #expect(result.status != 0 && !result.crashed, "\(arguments[0])")
            #expect(result.stderr.hasPrefix("error: ") && result.stderr.contains("--data"), "\(arguments[0]): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments[0]): \(result.stderr)")
        }
    }

    @Test func hostilePicklesAndForeignModulesAreRefused() throws {
        let hostile = try CLI.run(["evaluate", "--checkpoint", Self.pt("hostile_os_system"), "--data", Self.data])
        #expect(hostile.status != 0 && !hostile.crashed)
        #expect(
            hostile.stderr == "error: refusing hostile_os_system.pt: pickle names os.system, which is not a tensor or container\n"
        )
        let module = try CLI.run([
            "convert", Self.pt("lstm_module"), "--data", Self.data, "--out", "/tmp/never-written-perplex-run"
        ])
        #expect(module.status != 0 && module.stderr.contains("torch.nn.modules.rnn.LSTM"), "\(module.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written-perplex-run"))
    }
}
