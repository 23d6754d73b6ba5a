import ArgumentParser
import Foundation
import Text

/// `perplex tokenizer`: learn a tokenizer from text and encode text with one.
struct TokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer", abstract: "Learn a tokenizer (word, char, byte-level BPE) and encode text with it.",
        subcommands: [TokenizerTrainCommand.self, TokenizerEncodeCommand.self])
}

/// `perplex tokenizer train`: a tokenizer folder from text files.
struct TokenizerTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Learn a tokenizer from text files and write its folder.",
        discussion: """
            bpe: GPT-2's byte-level BPE (vocab.json and merges.txt in GPT-2's layout, which Hugging Face's tokenizers \
            reads); --vocab-size counts the 256 bytes. char: the sorted set of the texts' characters (chars.json). \
            word: the texts' words in first-seen order with <eos> (vocab.txt). Line breaks read as "\\n".
            """)

    @Option(help: "Tokenizer kind: \(TokenizerKind.spellings).") var kind = TokenizerKind.bpe.rawValue
    @Option(parsing: .upToNextOption, help: "One or more text files to learn from.") var input: [String] = []
    @Option(
        name: [.customLong("vocab-size"), .customLong("vocab_size")], parsing: .unconditional,
        help: "BPE: tokens wanted, the 256 bytes included.") var vocabSize: Int?
    @Option(
        name: [.customLong("min-frequency"), .customLong("min_frequency")], parsing: .unconditional,
        help: "BPE: never merge a pair seen fewer times.") var minFrequency = 0
    @Option(help: "Folder to write tokenizer.json and the kind's files into.") var out: String

    func run() throws {
        guard let kind = TokenizerKind(rawValue: kind) else {
            throw fail("--kind must be one of \(TokenizerKind.spellings), got '\(self.kind)'")
        }
        guard !input.isEmpty else { throw fail("--input needs at least one text file") }
        guard minFrequency >= 0 else { throw fail("--min-frequency must not be negative, got \(minFrequency)") }
        if kind != .bpe, vocabSize != nil { throw fail("--vocab-size applies to --kind bpe only") }
        let start = Date()
        let tokenizer: any Tokenizer
        do {
            switch kind {
            case .bpe:
                guard let vocabSize else { throw fail("--kind bpe needs --vocab-size") }
                let trainer = try BPETrainer(vocabularySize: vocabSize, minimumFrequency: minFrequency)
                let bar = ProgressBar(live: isatty(STDOUT_FILENO) != 0)
                tokenizer = try trainer.train(files: input) { progress in Self.show(progress, bar: bar, since: start) }
            case .char:
                tokenizer = CharTokenizer(
                    text: try input.map { (file) throws(TokenizerError) in try TokenizerText.read(file) }.joined())
            case .word:
                tokenizer = WordTokenizer(
                    text: try input.map { (file) throws(TokenizerError) in try TokenizerText.read(file) }.joined())
            }
            try tokenizer.save(to: out)
        } catch let error as TokenizerError { throw fail(error.description) }
        print(
            String(
                format: "| %@ tokenizer: %d tokens, written to %@ (%.2f s)", kind.rawValue, tokenizer.vocabularySize, out,
                -start.timeIntervalSinceNow))
    }

    /// A progress line for BPE training.
    private static func show(_ progress: BPETrainingProgress, bar: ProgressBar, since start: Date) {
        switch progress {
        case .reading(let file, let index, let count):
            bar.print("| reading \(file) (\(index + 1)/\(count))")
        case .merging(let done, let wanted, let words, let pairs):
            let elapsed = -start.timeIntervalSinceNow
            let left = done > 0 ? elapsed / Double(done) * Double(max(0, wanted - done)) : 0
            bar.draw(done: done, of: wanted, secondsLeft: left) { bar in
                "| merges [\(bar)] \(done)/\(wanted) | \(words) words, \(pairs) pairs"
            }
        }
    }
}

/// `perplex tokenizer encode`: the token ids of a text file.
struct TokenizerEncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode", abstract: "Encode a text file with a tokenizer folder; write the ids one a line.")

    @Option(help: "Tokenizer folder (tokenizer.json and the kind's files).") var tokenizer: String
    @Option(help: "Text file to encode (line breaks read as \"\\n\").") var input: String
    @Option(help: "File for the ids, one a line (default: standard output).") var out: String?

    func run() throws {
        if let out { try checkOutput(out) }
        let start = Date()
        let ids: [Int]
        let characters: Int
        do {
            let loaded = try TokenizerFolder.load(from: tokenizer)
            let text = try TokenizerText.read(input)
            characters = BitsPerCharacter.characterCount(of: text)
            ids = try loaded.encode(text)
        } catch { throw fail(error.inFile(input).description) }
        var lines = ""
        lines.reserveCapacity(ids.count * 5)
        for id in ids {
            lines += String(id)
            lines += "\n"
        }
        guard let out else {
            FileHandle.standardOutput.write(Data(lines.utf8))
            return
        }
        do { try Data(lines.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
            throw writeFailure(out, error)
        }
        print(
            String(
                format: "| %@: %d characters, %d tokens (%.2f characters a token), written to %@ (%.2f s)", input, characters,
                ids.count, ids.isEmpty ? 0 : Double(characters) / Double(ids.count), out, -start.timeIntervalSinceNow))
    }
}
