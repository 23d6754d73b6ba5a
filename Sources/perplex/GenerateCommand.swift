import ArgumentParser
import Formats
import Foundation
import Models
import Tensor
import Text
import Train

/// `perplex generate`: sample text from a checkpoint (the recipe's generate.py).
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate text from a checkpoint.")

    /// The recipe's `--checkpoint` default.
    static let defaultCheckpoint = "./model.pt"

    @Option(
        help: """
            A model.safetensors file, a run folder, or a .pt file saved with its run folder beside it \
            (default: ./model.pt, the recipe's; perplex train saves to runs/<model> unless given --save model.pt).
            """)
    var checkpoint: String?
    @Option(help: "Folder with train.txt, valid.txt and test.txt: its vocabulary is checked against the checkpoint's.")
    var data: String?
    @Option(
        help: ArgumentHelp(
            "Write the text to this file (the recipe's default is generated.txt; ours is stdout).", valueName: "file"))
    var outf: String?
    @Option(parsing: .unconditional, help: "Number of words to generate.") var words = 1000
    @Option(parsing: .unconditional, help: "Sampling temperature; lower is more conservative.") var temperature: Float = 1
    @Option(help: "Words to start from (each must be in the vocabulary).") var prompt: String?
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1111
    @Option(
        name: [.customLong("log-interval"), .customLong("log_interval")], parsing: .unconditional,
        help:
            "Print '| Generated i/N words' every this many words (default 100; with --outf on stdout, else on stderr and only when given)."
    )
    var logInterval: Int?
    @Flag(help: "Use the best device available (this build has none but the CPU: says so and generates there).")
    var accel = false

    func run() throws {
        guard words >= 0 else { throw fail("--words must be non-negative") }
        guard temperature >= 1e-3, temperature.isFinite else {
            throw fail("--temperature must be at least 1e-3, got \(temperature)")
        }
        if let logInterval, logInterval < 1 { throw fail("--log-interval must be at least 1, got \(logInterval)") }
        if let outf { try checkOutput(outf) }
        // The text owns stdout unless it goes to a file.
        let say: (String) -> Void = { line in
            if outf != nil { print(line) } else { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
        if accel { say(accelLine(ComputeDevice.best, doing: "generating")) }
        let path = checkpoint ?? Self.defaultCheckpoint
        if checkpoint == nil && !FileManager.default.fileExists(atPath: path) {
            throw fail(
                "checkpoint not found: \(path) (the default, as the recipe's; perplex train saves to runs/<model> unless given --save model.pt): pass --checkpoint"
            )
        }
        let loaded: (model: any LanguageModel, vocabulary: Vocabulary)
        do { loaded = try Checkpoint.load(Checkpoint.url(SaveTarget.readablePath(path))) } catch { throw fail("\(error)") }
        if let data {
            let corpus: Corpus
            do { corpus = try Corpus(directory: data) } catch { throw fail("--data: \(error)") }
            if corpus.vocabulary.words != loaded.vocabulary.words {
                say(
                    "| --data \(data): its vocabulary (\(corpus.vocabulary.count) words) is not the checkpoint's (\(loaded.vocabulary.count) words); generating with the checkpoint's"
                )
            }
        }
        var promptIds: [Int] = []
        for word in (prompt ?? "").split(whereSeparator: \.isWhitespace).map(String.init) {
            guard let id = loaded.vocabulary.id(of: word) else { throw fail("prompt word '\(word)' is not in the vocabulary") }
            promptIds.append(id)
        }
        let interval = outf != nil || logInterval != nil ? logInterval ?? 100 : nil
        let sampled = generate(
            loaded.model, prompt: promptIds, count: words, temperature: temperature,
            generator: RandomGenerator(seed: seed)
        ) { index in
            if let interval, index % interval == 0 { say("| Generated \(index)/\(words) words") }
        }
        let text = Self.lines(promptIds + sampled, vocabulary: loaded.vocabulary).map { $0 + "\n" }.joined()
        guard let outf else {
            print(text, terminator: "")
            return
        }
        do { try writeAtomically(Data(text.utf8), to: URL(fileURLWithPath: outf)) } catch { throw writeFailure(outf, error) }
    }

    /// The words as lines of text, a line ending at each `<eos>`.
    static func lines(_ ids: [Int], vocabulary: Vocabulary) -> [String] {
        var lines: [String] = []
        var line: [String] = []
        for id in ids {
            let word = vocabulary[id]
            if word == Vocabulary.eos {
                lines.append(line.joined(separator: " "))
                line = []
            } else {
                line.append(word)
            }
        }
        if !line.isEmpty { lines.append(line.joined(separator: " ")) }
        return lines
    }
}
