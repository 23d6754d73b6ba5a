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
    @Option(help: "Text to evaluate (one sentence per line, words separated by spaces; default: --data's test.txt).")
    var text: String?
    @OptionGroup var torch: TorchDataOption
    @Option(name: [.customLong("batch-size"), .customLong("batch_size")], parsing: .unconditional, help: "Evaluation batch size.")
    var batchSize = 10
    @Option(parsing: .unconditional, help: "Sequence length.") var bptt = 35
    @Flag(
        help:
            "Read words outside the checkpoint's vocabulary as <unk> (the vocabulary must have it); without it an unknown word is an error."
    )
    var unk = false

    /// The word `--unk` reads unknown words as (the recipe's PTB text has it).
    static let unknownWord = "<unk>"

    func run() throws {
        guard batchSize > 0, bptt > 0 else { throw fail("--batch-size and --bptt must be positive") }
        guard batchSize <= BatchedStream.maxBatchSize else {
            throw fail("--batch-size must be at most \(BatchedStream.maxBatchSize), got \(batchSize)")
        }
        let loaded: (model: any LanguageModel, vocabulary: Vocabulary, metadata: [String: String])
        do { loaded = try Checkpoint.loadWithMetadata(Checkpoint.url(checkpoint), torch: torch.options) } catch {
            throw fail("\(error)")
        }
        if let block = loaded.model.config.blockSize, bptt > block {
            throw fail("--bptt \(bptt) is longer than the model's block size \(block); give --bptt \(block) or less")
        }
        if let note = loaded.metadata[Checkpoint.torchNoteKey] { print("| note: \(note)") }
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
        let result = evaluate(loaded.model, on: stream, bptt: bptt)
        print(
            String(
                format: "| %@ | %d tokens | loss %.4f | ppl %.2f | acc %.2f%%", text, stream.rows * batchSize, result.loss,
                result.perplexity, 100 * result.accuracy))
    }
}
