import Foundation
import PropertyBased
import Testing

/// `perplex train` with random values of its numeric flags — negative, zero, small, huge, Int.max,
/// NaN and infinities for the floats — never traps or hangs: it trains (one batch per epoch on a
/// tiny text) and exits 0, or exits non-zero with a one-line error.
@Suite struct TrainFlagsPropertyTests {
    enum Kind: Sendable { case integer, float, seed }

    /// A numeric `perplex train` flag: its type and, for a kind-specific flag, the model it needs.
    struct Flag: Sendable {
        let name: String
        let kind: Kind
        let model: String?
        init(_ name: String, _ kind: Kind = .integer, model: String? = nil) {
            (self.name, self.kind, self.model) = (name, kind, model)
        }
    }

    static let flags: [Flag] = [
        Flag("lr", .float), Flag("clip", .float), Flag("dropout", .float), Flag("seed", .seed),
        Flag("epochs"), Flag("batch-size"), Flag("bptt"), Flag("log-interval"), Flag("max-batches"),
        Flag("curriculum-start"), Flag("curriculum-epochs"), Flag("builtin-sentences"),
        Flag("emsize"), Flag("nhid"), Flag("nlayers"), Flag("nhead", model: "Transformer"),
        Flag("ngram", model: "NPLM"), Flag("backprop-steps", model: "NGRAM_RNN"), Flag("kernel-size", model: "GatedCNN"),
        Flag("rnn-layers", model: "GatedCNN_RNN"),
        Flag("attention-window", model: "AttentionLSTM"), Flag("char-emsize", model: "CharCNN"),
        Flag("max-filter-width", model: "CharCNN"), Flag("feature-maps", model: "CharCNN"),
        Flag("highway-layers", model: "CharCNN")
    ]

    /// Float spellings worth trying beside random ones.
    static let floats = [
        "-1", "-0.5", "-0", "0", "1e-45", "1e-3", "0.5", "0.99", "1", "20", "1e38", "1e39", "nan", "-nan", "inf", "-inf"
    ]

    /// One flag and its value, drawn from a category: 0 negative, 1 zero, 2 small (1…8), 3 huge
    /// (2^31 and above, past every bound), 4 the extremes (Int.max, Int.min; UInt64.max for the seed;
    /// a listed spelling for floats).
    struct Setting: Sendable, CustomStringConvertible {
        let flag: Flag
        let value: String

        init(flag index: Int, category: Int, raw: Int) {
            flag = TrainFlagsPropertyTests.flags[index]
            let magnitude = raw == .min ? Int.max : abs(raw)
            switch flag.kind {
            case .integer:
                switch category {
                case 0: value = String(-1 - magnitude % 1000)
                case 1: value = "0"
                case 2: value = String(1 + magnitude % 8)
                case 3: value = String((1 << 31) + magnitude % (Int.max - (1 << 31)))
                default: value = raw % 2 == 0 ? String(Int.max) : String(Int.min)
                }
            case .seed:
                switch category {
                case 0, 1: value = "0"
                case 2: value = String(1 + magnitude % 8)
                case 3: value = String(UInt64(magnitude) << 1)
                default: value = String(UInt64.max)
                }
            case .float:
                let listed = TrainFlagsPropertyTests.floats
                switch category {
                case 0: value = String(-Double(magnitude % 1_000_000) / 1000)
                case 1: value = "0"
                case 2: value = String(Double(magnitude % 1000) / 1000)
                case 3: value = String(Double(magnitude) * 1e30)
                default: value = listed[magnitude % listed.count]
                }
            }
        }

        var description: String { "--\(flag.name) \(value)" }
    }

    static let setting = zip(Gen.int(in: 0...(flags.count - 1)), Gen.int(in: 0...4), Gen.int()).map { t in
        Setting(flag: t.0, category: t.1, raw: t.2)
    }

    /// Runs perplex with stdout discarded; nil when it ran past `timeout` seconds (then killed).
    static func run(_ arguments: [String], timeout: TimeInterval) throws -> CLI.Result? {
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            return nil
        }
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return CLI.Result(
            status: process.terminationStatus, stdout: "", stderr: stderr, crashed: process.terminationReason == .uncaughtSignal)
    }

    /// The `perplex train` arguments for `settings` over the tiny data in `data`, saving into `save`:
    /// a small model, one batch per epoch, the model kind a kind-specific flag needs (a second flag
    /// for another kind is dropped), `--curriculum` with its flags, no `--data` for `--builtin-sentences`.
    static func arguments(_ settings: [Setting], data: String, save: String) -> [String] {
        let model = settings.lazy.compactMap(\.flag.model).first
        let chosen = settings.filter { $0.flag.model == nil || $0.flag.model == model }
        var values: [String: String] = [
            "data": data, "nhid": "8", "nlayers": "1", "epochs": "1", "max-batches": "1", "bptt": "5",
            "batch-size": "2", "log-interval": "1000", "save": save
        ]
        if let model { values["model"] = model }
        if model != "CharCNN" { values["emsize"] = "8" }
        for setting in chosen { values[setting.flag.name] = setting.value }
        if chosen.contains(where: { $0.flag.name == "builtin-sentences" }) { values["data"] = nil }
        var arguments = ["train"] + values.sorted { $0.key < $1.key }.flatMap { ["--\($0.key)", $0.value] }
        if chosen.contains(where: { $0.flag.name.hasPrefix("curriculum-") }) { arguments.append("--curriculum") }
        return arguments
    }

    @Test func numericFlagsNeverTrapOrHang() async throws {
        let sentences = (0..<30).map { i in ["the cat sat on the mat", "a dog ran to the park", "the bird sang"][i % 3] }
        let text = sentences.joined(separator: "\n") + "\n"
        let data = try CLI.dataFolder(train: text, valid: text, test: text)
        defer { try? FileManager.default.removeItem(at: data) }
        var runs = 0
        await propertyCheck(count: 100, input: Self.setting, Self.setting) { first, second in
            runs += 1
            let save = data.appendingPathComponent("run\(runs)").path
            let arguments = Self.arguments([first, second], data: data.path, save: save)
            let described = arguments.dropFirst().joined(separator: " ")
            guard let result = try Self.run(arguments, timeout: 30) else {
                Issue.record("perplex \(described) ran past 30 s")
                return
            }
            #expect(!result.crashed, "perplex \(described) trapped: \(result.stderr.prefix(400))")
            let lines = result.stderr.split(separator: "\n")
            if result.status == 0 {
                #expect(lines.isEmpty, "perplex \(described) succeeded with stderr: \(result.stderr.prefix(400))")
            } else {
                #expect(
                    lines.count == 1 && lines[0].hasPrefix("error: "),
                    "perplex \(described) exited \(result.status) without a one-line error: \(result.stderr.prefix(400))")
            }
        }
    }
}
