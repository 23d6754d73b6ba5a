import ArgumentParser
import Foundation
import Models
import Text
import Train

/// `perplex evaluate`: a checkpoint's loss and perplexity on a text file.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate", abstract: "Loss and perplexity of a checkpoint on a text file.")

    @Option(help: "A model.safetensors file, a run folder or a PyTorch .pt file (with --data).") var checkpoint: String
    @Option(
        help:
            "Text to evaluate (one sentence per line, words separated by spaces; raw text for a run with a char or BPE tokenizer; default: --data's test part, for a tokenizer's run the test or val part of the data it trained on)."
    )
    var text: String?
    @OptionGroup var torch: TorchDataOption
    @OptionGroup var precisionOption: PrecisionOption
    @Option(name: [.customLong("batch-size"), .customLong("batch_size")], parsing: .unconditional, help: "Evaluation batch size.")
    var batchSize = 10
    @Option(parsing: .unconditional, help: "Sequence length (default: 35; a GPT's block size).") var bptt: Int?
    @Flag(
        help:
            "Read words outside the checkpoint's vocabulary as <unk> (the vocabulary must have it); without it an unknown word is an error."
    )
    var unk = false

    /// The word `--unk` reads unknown words as (the recipe's PTB text has it).
    static let unknownWord = "<unk>"

    func run() throws { try precisionOption.apply(runAsked) }

    func runAsked() throws {
        guard batchSize > 0, bptt ?? 1 > 0 else { throw fail("--batch-size and --bptt must be positive") }
        guard batchSize <= BatchedStream.maxBatchSize else {
            throw fail("--batch-size must be at most \(BatchedStream.maxBatchSize), got \(batchSize)")
        }
        let loaded: (model: any LanguageModel, vocabulary: Vocabulary, metadata: [String: String])
        do { loaded = try Checkpoint.loadWithMetadata(Checkpoint.url(checkpoint), torch: torch.options) } catch {
            throw fail("\(error)")
        }
        let block = loaded.model.config.blockSize
        if let block, let bptt, bptt > block {
            throw fail("--bptt \(bptt) is longer than the model's block size \(block); give --bptt \(block) or less")
        }
        let window = bptt ?? block ?? 35
        if let note = loaded.metadata[Checkpoint.torchNoteKey] { print("| note: \(note)") }
        let tokenizer: (tokenizer: any Tokenizer, folder: String?)?
        do { tokenizer = try CheckpointTokenizer.load(checkpoint: checkpoint, data: torch.data) } catch { throw fail("\(error)") }
        if let tokenizer {
            try evaluateTokenized(loaded.model, tokenizer: tokenizer.tokenizer, runFolder: tokenizer.folder, window: window)
            return
        }
        guard let text = text ?? torch.data.map({ "\($0)/test.txt" }) else { throw fail("--text FILE (or --data DIR) is needed") }
        let vocabulary = loaded.vocabulary
        var unknown: Int?
        if unk {
            guard let id = vocabulary.id(of: Self.unknownWord) else {
                throw fail("--unk: the checkpoint's vocabulary has no \(Self.unknownWord) to read unknown words as")
            }
            unknown = id
        }
        var outside: [Substring] = []
        let ids: [Int]
        do { ids = try Corpus.encodeFile(text, with: vocabulary, unknown: unknown) { outside.append($0) } } catch {
            throw fail("\(error)")
        }
        if unk {
            print("| \(outside.count) words outside the vocabulary (\(Set(outside).count) distinct) read as \(Self.unknownWord)")
        }
        let stream: BatchedStream
        do { stream = try BatchedStream(checking: ids, batchSize: batchSize, source: text) } catch { throw fail("\(error)") }
        report(evaluate(loaded.model, on: stream, bptt: window), of: text, tokens: stream.rows * batchSize)
    }

    /// A run trained with `--tokenizer`: the text is read by the run's tokenizer, and a char or
    /// BPE run's loss is also given in bits per character.
    func evaluateTokenized(_ model: any LanguageModel, tokenizer: any Tokenizer, runFolder: String?, window: Int) throws {
        if unk {
            throw fail("--unk reads unknown words of a word-level run; this run has a \(tokenizer.kind.rawValue) tokenizer")
        }
        guard tokenizer.vocabularySize == model.config.vocabularySize else {
            throw fail("the tokenizer has \(tokenizer.vocabularySize) tokens, the model \(model.config.vocabularySize)")
        }
        // Without --text or --data: the data the run trained on, as its config.json names it.
        let data = torch.data ?? runFolder.flatMap { (try? RunRecord(folder: $0))?.config["data"]?.string }
        let source = text ?? data ?? ""
        let scored: TokenStream
        let stream: BatchedStream
        do {
            scored = try TokenizedData.scored(text: text, data: data, tokenizer: tokenizer)
            stream = try BatchedStream(checking: scored.ids, batchSize: batchSize, source: source)
        } catch { throw fail("\(error)") }
        var result = evaluate(model, on: stream, bptt: window)
        if tokenizer.kind.spellsWholeText { result.charactersPerToken = scored.charactersPerToken }
        report(result, of: source, tokens: stream.rows * batchSize)
    }

    /// The result line: loss, perplexity and accuracy per token, and bits per character when known.
    func report(_ result: Evaluation, of source: String, tokens: Int) {
        var line = String(
            format: "| %@ | %d tokens | loss %.4f | ppl %.2f | acc %.2f%%", source, tokens, result.loss, result.perplexity,
            100 * result.accuracy)
        if let bits = result.bitsPerCharacter { line += String(format: " | bpc %.4f", bits) }
        print(line)
    }
}
