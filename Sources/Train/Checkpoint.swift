import Foundation
import Models
import NN
import Tensor
import Text

/// Why a checkpoint could not be used; one line naming the file and the problem.
public struct CheckpointError: Error, CustomStringConvertible {
    public let description: String
}

/// A model checkpoint: the recipe's state dict as safetensors, with the model configuration and
/// the vocabulary in the metadata so the file alone can evaluate and generate.
public enum Checkpoint {
    static let configKey = "perplex.config", vocabularyKey = "perplex.vocabulary", progressKey = "perplex.training"

    /// Keys in a fixed order, so that one model saved twice (even by two processes, whose
    /// dictionaries iterate in different orders) gives the same bytes.
    static var sortedJSON: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }

    /// Writes atomically (temporary file, then rename): an interrupted write leaves the old file.
    /// `progress` (epoch, learning rate, validation loss) lets a later run resume from the file.
    public static func save(_ model: any LanguageModel, vocabulary: Vocabulary, progress: TrainingProgress? = nil,
                            to url: URL) throws {
        let config = String(decoding: try sortedJSON.encode(model.config), as: UTF8.self)
        var metadata = [configKey: config, vocabularyKey: vocabulary.words.joined(separator: "\n")]
        if let progress, let json = try? sortedJSON.encode(progress) { metadata[progressKey] = String(decoding: json, as: UTF8.self) }
        let file = SafeTensors(tensors: model.namedTensors().map { (name: $0.0, tensor: $0.1) }, metadata: metadata)
        try file.write(to: url)
    }

    /// Reads a checkpoint written by `save` or by scripts/torch_interop.py.
    public static func load(_ url: URL) throws(CheckpointError) -> (model: any LanguageModel, vocabulary: Vocabulary) {
        let loaded = try loadResumable(url)
        return (loaded.model, loaded.vocabulary)
    }

    /// Reads a checkpoint with the training progress saved beside the weights (nil when the file
    /// has none, e.g. one written by PyTorch).
    public static func loadResumable(_ url: URL) throws(CheckpointError)
        -> (model: any LanguageModel, vocabulary: Vocabulary, progress: TrainingProgress?) {
        let where_ = url.path
        guard FileManager.default.fileExists(atPath: url.path) else { throw CheckpointError(description: "checkpoint not found: \(where_)") }
        let file: SafeTensors
        do { file = try SafeTensors.read(contentsOf: url) } catch { throw CheckpointError(description: "\(where_): \(error)") }
        guard let configText = file.metadata[configKey],
              let config = try? JSONDecoder().decode(ModelConfig.self, from: Data(configText.utf8)) else {
            throw CheckpointError(description: "\(where_): no valid model configuration in the metadata ('\(configKey)')")
        }
        guard let words = file.metadata[vocabularyKey]?.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
              words.count == config.vocabularySize else {
            throw CheckpointError(description: "\(where_): the vocabulary in the metadata does not match the model's \(config.vocabularySize) words")
        }
        let model: any LanguageModel
        do { model = try makeLanguageModel(config, words: words) } catch { throw CheckpointError(description: "\(where_): \(error)") }
        do { try model.loadStateDict(file.dictionary) } catch { throw CheckpointError(description: "\(where_): \(error)") }
        model.eval()
        let progress = file.metadata[progressKey].flatMap { try? JSONDecoder().decode(TrainingProgress.self, from: Data($0.utf8)) }
        return (model, Vocabulary(words: words), progress)
    }
}
