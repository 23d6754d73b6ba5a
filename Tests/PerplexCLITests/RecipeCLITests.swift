import Formats
import Foundation
import Testing

/// The PyTorch word_language_model recipe's command lines: `perplex train` takes main.py's flags
/// (with its spellings) and `perplex generate` generate.py's.
@Suite struct RecipeCLITests {
    static func corpus() throws -> URL {
        let words = ["the", "cat", "sees", "a", "dog", "likes", "big", "small", "house", "tree"]
        func text(_ count: Int, _ offset: Int) -> String {
            (0..<count).map { i in (0..<6).map { words[(i * 7 + $0 * 3 + offset) % words.count] }.joined(separator: " ") }
                .joined(separator: "\n") + "\n"
        }
        return try CLI.dataFolder(train: text(120, 0), valid: text(30, 1), test: text(30, 2))
    }

    /// A tiny model, one batch per epoch.
    static let tiny = ["--emsize", "8", "--nhid", "8", "--nlayers", "1", "--epochs", "1", "--dry-run"]

    func expectOneLineError(
        _ result: CLI.Result, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(!result.crashed && result.status != 0, "\(result.stderr)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && result.stderr.contains(fragment), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test func mainPysFlagsParseWithItsSpellings() throws {
        let data = try Self.corpus()
        let folder = try CLI.temporaryDirectory()
        defer { for url in [data, folder] { try? FileManager.default.removeItem(at: url) } }
        let result = try CLI.run(
            [
                "train", "--data", data.path, "--model", "GRU", "--emsize", "8", "--nhid", "8", "--nlayers", "1", "--lr", "0.001",
                "--clip", "0.5", "--epochs", "1", "--batch_size", "4", "--bptt", "5", "--dropout", "0.1", "--tied",
                "--seed", "3", "--log-interval", "1", "--dry-run", "--accel", "--use_optimizer", "--save", "m.safetensors"
            ], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("| --accel: no accelerator in this build; training on the CPU ("))
        #expect(result.stdout.contains("best model also to m.safetensors"))
        for file in ["m.safetensors", "m.run/model.safetensors", "m.run/last.safetensors", "m.run/config.json"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file)")
        }
        let config = try String(contentsOf: folder.appendingPathComponent("m.run/config.json"), encoding: .utf8)
        #expect(config.contains(#""optimizer" : "adamw""#) && config.contains(#""tied" : true"#))
        // The file is the run folder's best model, and generates as the folder does.
        let fromFile = try CLI.run(["generate", "--checkpoint", "m.safetensors", "--words", "30"], in: folder)
        let fromFolder = try CLI.run(["generate", "--checkpoint", "m.run", "--words", "30"], in: folder)
        #expect(fromFile.status == 0 && fromFile.stdout == fromFolder.stdout && !fromFile.stdout.isEmpty)
    }

    /// The tensors of a safetensors file by name, model and training state alike.
    static func tensors(_ url: URL) throws -> [String: [Float]] {
        Dictionary(uniqueKeysWithValues: try SafeTensors.read(contentsOf: url).tensors.map { ($0.name, $0.tensor.scalars) })
    }

    /// AdamW's moments travel in last.safetensors: three epochs straight and one epoch, then two
    /// more resumed with --resume FILE.safetensors (through the run folder beside it), end alike.
    @Test func anAdamWRunResumedGoesOnAsTheUninterruptedOne() throws {
        let data = try Self.corpus()
        let folder = try CLI.temporaryDirectory()
        defer { for url in [data, folder] { try? FileManager.default.removeItem(at: url) } }
        let train = [
            "train", "--data", data.path, "--emsize", "8", "--nhid", "8", "--nlayers", "1", "--batch-size", "4", "--bptt", "5",
            "--max-batches", "4", "--use-optimizer", "--lr", "0.01", "--dropout", "0.3"
        ]
        for arguments in [
            ["--epochs", "3", "--save", "straight"], ["--epochs", "1", "--save", "m.safetensors"],
            ["--epochs", "3", "--save", "m.safetensors", "--resume", "m.safetensors"]
        ] {
            let result = try CLI.run(train + arguments, in: folder)
            #expect(result.status == 0, "\(result.stderr)")
        }
        let straight = try Self.tensors(folder.appendingPathComponent("straight/last.safetensors"))
        let resumed = try Self.tensors(folder.appendingPathComponent("m.run/last.safetensors"))
        #expect(straight["perplex.state.optimizer.encoder.weight.exp_avg"] != nil)
        #expect(straight.keys.sorted() == resumed.keys.sorted())
        for (name, values) in straight { #expect(values == resumed[name], "\(name)") }
        // The file beside the run folder is its best model.
        #expect(
            try Self.tensors(folder.appendingPathComponent("m.safetensors"))
                == Self.tensors(folder.appendingPathComponent("m.run/model.safetensors")))
    }

    @Test func saveAndExportPathsAreCheckedBeforeTraining() throws {
        let data = try Self.corpus()
        let folder = try CLI.temporaryDirectory()
        defer { for url in [data, folder] { try? FileManager.default.removeItem(at: url) } }
        let blocker = folder.appendingPathComponent("file")
        try "x".write(to: blocker, atomically: false, encoding: .utf8)
        let train = ["train", "--data", data.path] + Self.tiny
        expectOneLineError(
            try CLI.run(train + ["--save", blocker.path + "/m.safetensors"], in: folder), "is a file, not a directory")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("d.safetensors"), withIntermediateDirectories: false)
        expectOneLineError(try CLI.run(train + ["--save", "d.safetensors"], in: folder), "d.safetensors: it is a directory")
        expectOneLineError(
            try CLI.run(train + ["--onnx-export", blocker.path + "/m.onnx"], in: folder), "--onnx-export: cannot write")
        expectOneLineError(try CLI.run(train + ["--onnx_export", folder.path], in: folder), "it is a directory")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("runs").path))
        // A checkpoint file already there is kept unless --overwrite.
        #expect(try CLI.run(train + ["--save", "m.safetensors"], in: folder).status == 0)
        expectOneLineError(try CLI.run(train + ["--save", "m.safetensors"], in: folder), "pass --overwrite")
        #expect(try CLI.run(train + ["--save", "m.safetensors", "--overwrite"], in: folder).status == 0)
    }

    @Test func generatePysFlags() throws {
        let data = try Self.corpus()
        let folder = try CLI.temporaryDirectory()
        defer { for url in [data, folder] { try? FileManager.default.removeItem(at: url) } }
        #expect(try CLI.run(["train", "--data", data.path, "--save", "run"] + Self.tiny, in: folder).status == 0)
        let result = try CLI.run(
            [
                "generate", "--data", data.path, "--checkpoint", "run", "--outf", "generated.txt", "--words", "250",
                "--log-interval", "100", "--seed", "5", "--temperature", "0.5", "--accel"
            ], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("| --accel: no accelerator in this build; generating on the CPU") ?? false)
        #expect(Array(lines.dropFirst()) == ["| Generated 0/250 words", "| Generated 100/250 words", "| Generated 200/250 words"])
        let text = try String(contentsOf: folder.appendingPathComponent("generated.txt"), encoding: .utf8)
        // 250 words, each <eos> a line break.
        let eos = text.filter { $0 == "\n" }.count - (text.hasSuffix("\n\n") || text.isEmpty ? 0 : 1)
        #expect(text.split(whereSeparator: \.isWhitespace).count + eos >= 249)
        // Without --outf the text is stdout, and the same.
        let printed = try CLI.run(
            ["generate", "--checkpoint", "run", "--words", "250", "--seed", "5", "--temperature", "0.5"], in: folder)
        #expect(printed.stdout == text && printed.stderr.isEmpty)
    }

    @Test func generatesBadInputIsOneLine() throws {
        let data = try Self.corpus()
        let folder = try CLI.temporaryDirectory()
        defer { for url in [data, folder] { try? FileManager.default.removeItem(at: url) } }
        expectOneLineError(try CLI.run(["generate"], in: folder), "checkpoint not found: ./model.pt")
        #expect(try CLI.run(["train", "--data", data.path, "--save", "run"] + Self.tiny, in: folder).status == 0)
        expectOneLineError(try CLI.run(["generate", "--checkpoint", "run", "--outf", data.path], in: folder), "it is a directory")
        expectOneLineError(try CLI.run(["generate", "--checkpoint", "run", "--log-interval", "0"], in: folder), "--log-interval")
        let other = try CLI.dataFolder(train: "one two three\n", valid: "one two\n", test: "two three\n")
        defer { try? FileManager.default.removeItem(at: other) }
        let mismatch = try CLI.run(["generate", "--checkpoint", "run", "--data", other.path, "--words", "5"], in: folder)
        #expect(mismatch.status == 0 && mismatch.stderr.contains("generating with the checkpoint's"))
    }
}
