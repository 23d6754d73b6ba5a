import Formats
import Foundation
import NN
import Tensor
import Text

/// Why a checkpoint could not be used; one line naming the file and the problem.
public struct CheckpointError: Error, CustomStringConvertible {
    public let description: String
}

/// A model checkpoint: the recipe's state dict as safetensors, with the model configuration and
/// the vocabulary in the metadata so the file alone can evaluate and generate. Other metadata
/// (training progress, which Train reads) travels as strings under keys of the writer's choosing.
public enum Checkpoint {
    static let configKey = "perplex.config", vocabularyKey = "perplex.vocabulary"

    /// The checkpoint a path names: a run folder means its model.safetensors.
    public static func url(_ path: String) -> URL {
        var isDirectory: ObjCBool = false
        let url = URL(fileURLWithPath: path)
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return url.appendingPathComponent("model.safetensors")
        }
        return url
    }

    /// Keys in a fixed order, so that one model saved twice (even by two processes, whose
    /// dictionaries iterate in different orders) gives the same bytes.
    public static var sortedJSON: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }

    /// Writes atomically (temporary file, then rename): an interrupted write leaves the old file.
    /// `extra` adds metadata entries beside the configuration and vocabulary (their keys win).
    public static func save(
        _ model: any LanguageModel, vocabulary: Vocabulary, extra: [String: String] = [:],
        to url: URL
    ) throws {
        let config = String(decoding: try sortedJSON.encode(model.config), as: UTF8.self)
        var metadata = extra
        (metadata[configKey], metadata[vocabularyKey]) = (config, vocabulary.words.joined(separator: "\n"))
        let file = SafeTensors(tensors: model.namedTensors().map { (name: $0.0, tensor: $0.1) }, metadata: metadata)
        try file.write(to: url)
    }

    /// Reads a checkpoint written by `save` or by scripts/torch_interop.py.
    public static func load(_ url: URL) throws(CheckpointError) -> (model: any LanguageModel, vocabulary: Vocabulary) {
        let loaded = try loadWithMetadata(url)
        return (loaded.model, loaded.vocabulary)
    }

    /// Reads a checkpoint with all of its metadata (the configuration and vocabulary included).
    public static func loadWithMetadata(_ url: URL) throws(CheckpointError)
        -> (model: any LanguageModel, vocabulary: Vocabulary, metadata: [String: String])
    {
        let path = url.path
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CheckpointError(description: "checkpoint not found: \(path)")
        }
        let file: SafeTensors
        do { file = try SafeTensors.read(contentsOf: url) } catch { throw CheckpointError(description: "\(path): \(error)") }
        guard let configText = file.metadata[configKey],
            let config = try? JSONDecoder().decode(ModelConfig.self, from: Data(configText.utf8))
        else {
            throw CheckpointError(description: "\(path): no valid model configuration in the metadata ('\(configKey)')")
        }
        guard let words = file.metadata[vocabularyKey]?.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
            words.count == config.vocabularySize
        else {
            throw CheckpointError(
                description: "\(path): the vocabulary in the metadata does not match the model's \(config.vocabularySize) words")
        }
        let model: any LanguageModel
        do { model = try makeLanguageModel(config, words: words) } catch {
            throw CheckpointError(description: "\(path): \(error)")
        }
        do { try model.loadStateDict(file.dictionary) } catch { throw CheckpointError(description: "\(path): \(error)") }
        model.eval()
        return (model, Vocabulary(words: words), file.metadata)
    }
}
