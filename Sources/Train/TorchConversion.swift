import Foundation
import Models
import Text

/// A PyTorch `.pt` file of the word_language_model recipe (a whole model or a state dict) turned
/// into a Perplex run folder: model.safetensors (configuration and vocabulary in its metadata),
/// config.json, vocab.txt and an empty metrics.jsonl, as `perplex train` writes them, so every
/// command that reads a run reads it. nanoGPT's `ckpt.pt` with its char-level input.txt as data
/// also gets the char tokenizer (tokenizer.json, chars.json).
public struct TorchConversion {
    public let model: any LanguageModel
    public let vocabulary: Vocabulary
    /// What the file did not say and was assumed, if anything.
    public let note: String?

    /// Reads `url` (its vocabulary from `options`), then writes the folder at `path`; a folder
    /// that holds a trained model is refused unless `overwrite`. Nothing is written when the
    /// file cannot be read.
    public static func convert(_ url: URL, options: TorchImportOptions, into path: String, overwrite: Bool = false)
        throws(TrainError) -> TorchConversion
    {
        let loaded: (model: any LanguageModel, vocabulary: Vocabulary, metadata: [String: String])
        do { loaded = try Checkpoint.loadWithMetadata(url, torch: options) } catch { throw TrainError(description: "\(error)") }
        let folder = try RunFolder(path: path, overwrite: overwrite)
        let record = RunConfig(
            data: options.data ?? "", model: loaded.model.config, training: TrainOptions(),
            parameters: loaded.model.parameterCount)
        let tokenizer = try CheckpointTokenizer.load(checkpoint: url.path, data: options.data)?.tokenizer
        do {
            try Checkpoint.save(loaded.model, vocabulary: loaded.vocabulary, to: folder.model)
            try folder.writeRunFiles(record, vocabulary: loaded.vocabulary)
            try tokenizer?.save(to: path)
        } catch {
            throw TrainError(description: "cannot write the run folder \(path): \(error.localizedDescription)")
        }
        return TorchConversion(model: loaded.model, vocabulary: loaded.vocabulary, note: loaded.metadata[Checkpoint.torchNoteKey])
    }
}
