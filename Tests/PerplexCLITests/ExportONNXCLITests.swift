import Foundation
import Testing

/// `perplex export-onnx`: writes an ONNX file for the recipe's kinds; other kinds, missing
/// checkpoints and unwritable outputs are one-line errors that leave nothing behind.
@Suite struct ExportONNXCLITests {
    let bad = BadInputTests()

    func train(_ model: [String], into dir: URL) throws {
        let trained = try CLI.run(
            ["train", "--builtin-sentences", "100", "--emsize", "8", "--nhid", "8", "--epochs", "1", "--save", dir.path] + model)
        try #require(trained.status == 0, "\(trained.stderr)")
    }

    @Test func exportsARecipeModel() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try train(["--model", "GRU", "--nlayers", "1"], into: dir)
        let out = dir.appendingPathComponent("model.onnx").path
        let result = try CLI.run(["export-onnx", "--checkpoint", dir.path, "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("| wrote GRU (1 layers, vocabulary "))
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out)))
        #expect(bytes.prefix(2) == [0x08, 0x08])  // ir_version 8, the first field
    }

    @Test func badInputs() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let nplm = dir.appendingPathComponent("nplm")
        try train(["--model", "NPLM", "--ngram", "3"], into: nplm)
        let out = dir.appendingPathComponent("m.onnx").path
        try bad.expectError(
            ["export-onnx", "--checkpoint", nplm.path, "--out", out],
            "error: ONNX export does not support NPLM models; it exports RNN_TANH, RNN_RELU, LSTM, GRU, Transformer")
        try bad.expectError(
            ["export-onnx", "--checkpoint", dir.appendingPathComponent("none").path, "--out", out], "checkpoint not found")
        let missing = dir.appendingPathComponent("no/such/m.onnx").path
        try bad.expectError(["export-onnx", "--checkpoint", nplm.path, "--out", missing], "cannot write \(missing): the folder")
        try bad.expectError(["export-onnx", "--checkpoint", nplm.path, "--out", dir.path], "it is a directory")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
