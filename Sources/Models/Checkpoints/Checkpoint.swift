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
    /// `extra` adds metadata entries beside the configuration and vocabulary (their keys win);
    /// `state` adds training-state tensors (an optimizer's moments, say) under `statePrefix`,
    /// which loading the model skips and `trainingState(_:)` reads back.
    public static func save(
        _ model: any LanguageModel, vocabulary: Vocabulary, extra: [String: String] = [:],
        state: [(name: String, tensor: Tensor)] = [], to url: URL
    ) throws {
        let config = String(decoding: try sortedJSON.encode(model.config), as: UTF8.self)
        var metadata = extra
        (metadata[configKey], metadata[vocabularyKey]) = (config, vocabulary.words.joined(separator: "\n"))
        let tensors = model.namedTensors().map { (name: $0.0, tensor: $0.1) } + state.map { (statePrefix + $0.name, $0.tensor) }
        try SafeTensors(tensors: tensors, metadata: metadata).write(to: url)
    }

    /// The name prefix of training-state tensors in a checkpoint (not the model's own).
    public static let statePrefix = "perplex.state."

    /// The training-state tensors `save(_:vocabulary:extra:state:to:)` wrote, by their names
    /// without `statePrefix` (empty for a checkpoint without any).
    public static func trainingState(_ url: URL) throws(CheckpointError) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (name, tensor) in try readFile(url).tensors where name.hasPrefix(statePrefix) {
            result[String(name.dropFirst(statePrefix.count))] = tensor
        }
        return result
    }

    /// Metadata key of what a PyTorch file did not say and was assumed (see `TorchImportOptions`).
    public static let torchNoteKey = "perplex.torch.note"

    /// Reads a checkpoint written by `save` or by scripts/torch_interop.py, or a PyTorch `.pt`
    /// file (`torch`: what such a file needs beside it, the vocabulary's corpus above all).
    public static func load(_ url: URL, torch: TorchImportOptions = TorchImportOptions()) throws(CheckpointError)
        -> (model: any LanguageModel, vocabulary: Vocabulary)
    {
        let loaded = try loadWithMetadata(url, torch: torch)
        return (loaded.model, loaded.vocabulary)
    }

    /// Whether `url` names a PyTorch file (`.pt`, `.pth`) rather than a safetensors checkpoint.
    public static func isTorchFile(_ url: URL) -> Bool { ["pt", "pth"].contains(url.pathExtension.lowercased()) }

    /// Reads a checkpoint with all of its metadata (the configuration and vocabulary included).
    /// The configuration is validated and the file's tensors checked against it (names and
    /// shapes) before anything is built, so metadata that claims a larger model than the file
    /// holds is an error, not an allocation. A `.pt` file is read by `TorchImport` (the
    /// vocabulary rebuilt from `torch.data`); its metadata holds `torchNoteKey` when something was assumed.
    public static func loadWithMetadata(_ url: URL, torch: TorchImportOptions = TorchImportOptions()) throws(CheckpointError)
        -> (model: any LanguageModel, vocabulary: Vocabulary, metadata: [String: String])
    {
        if isTorchFile(url) { return try loadTorch(url, options: torch) }
        let path = url.path
        func fail(_ message: String) -> CheckpointError { CheckpointError(description: "\(path): \(message)") }
        let file = try readFile(url)
        guard let configText = file.metadata[configKey] else {
            if file.metadata[ClassifierCheckpoint.configKey] != nil {
                throw CheckpointError(
                    description:
                        "\(path) is a sentence-classifier checkpoint, not a language model's (perplex classify evaluate and predict read it)"
                )
            }
            throw fail("no valid model configuration in the metadata ('\(configKey)')")
        }
        guard let config = try? JSONDecoder().decode(ModelConfig.self, from: Data(configText.utf8)) else {
            throw fail("no valid model configuration in the metadata ('\(configKey)')")
        }
        do { try config.validate() } catch { throw fail("the model configuration in the metadata is invalid: \(error)") }
        guard let words = file.metadata[vocabularyKey]?.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
            words.count == config.vocabularySize
        else {
            throw fail("the vocabulary in the metadata does not match the model's \(config.vocabularySize) words")
        }
        let model = try build(
            config, words: words, tensors: file.dictionary, path: path, declaredIn: "the configuration in its metadata")
        return (model, Vocabulary(words: words), file.metadata)
    }

    /// A PyTorch file's model, its vocabulary rebuilt from `options.data` as the recipe's data.py does.
    static func loadTorch(_ url: URL, options: TorchImportOptions) throws(CheckpointError)
        -> (model: any LanguageModel, vocabulary: Vocabulary, metadata: [String: String])
    {
        let path = url.path
        func fail(_ message: String) -> CheckpointError { CheckpointError(description: "\(path): \(message)") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CheckpointError(description: "checkpoint not found: \(path)")
        }
        if isDirectory.boolValue { throw CheckpointError(description: "\(path) is a directory, not a checkpoint file") }
        guard options.words != nil || options.data != nil else {
            throw CheckpointError(
                description:
                    "\(path) is a PyTorch file, which holds no vocabulary: --data is needed (the corpus folder it was trained on, whose train.txt, valid.txt and test.txt give the recipe's vocabulary, or a nanoGPT char-level input.txt)"
            )
        }
        let imported = try TorchImport.read(url, options: options)
        var words = options.words ?? []
        if options.words == nil, let data = options.data {
            var isFolder: ObjCBool = false
            do {
                if FileManager.default.fileExists(atPath: data, isDirectory: &isFolder), !isFolder.boolValue {
                    words = CharTokenizer(text: try TokenizerText.read(data)).spellings
                } else {
                    words = try Corpus(directory: data).vocabulary.words
                }
            } catch {
                throw CheckpointError(description: "--data: \(error)")
            }
        }
        guard words.count == imported.config.vocabularySize else {
            throw fail(
                "the model has \(imported.config.vocabularySize) words but the vocabulary of \(options.data ?? "the data") has \(words.count); the data must be the corpus it was trained on"
            )
        }
        do { try imported.config.validate() } catch { throw fail("the model it holds is not one Perplex builds: \(error)") }
        let model = try build(imported.config, words: words, tensors: imported.tensors, path: path, declaredIn: "the model")
        return (model, Vocabulary(words: words), imported.note.map { [torchNoteKey: $0] } ?? [:])
    }

    /// The model of a validated configuration with `tensors` loaded, checked (names and shapes)
    /// against the configuration's declarations before anything is built.
    static func build(_ config: ModelConfig, words: [String], tensors: [String: Tensor], path: String, declaredIn: String)
        throws(CheckpointError) -> any LanguageModel
    {
        func fail(_ message: String) -> CheckpointError { CheckpointError(description: "\(path): \(message)") }
        if let mismatch = mismatch(tensors.mapValues(\.shape), config.tensorDeclarations, declaredIn: declaredIn) {
            throw fail(mismatch)
        }
        let model: any LanguageModel
        do { model = try makeLanguageModel(config, words: words) } catch { throw fail("\(error)") }
        // Training-state tensors (`statePrefix`) travel beside the weights; the model takes only its own.
        do { try model.loadStateDict(tensors.filter { !$0.key.hasPrefix(statePrefix) }) } catch { throw fail("\(error)") }
        model.eval()
        return model
    }

    /// The safetensors file at `url`: a missing file, a folder or an unreadable file is a one-line error naming it.
    static func readFile(_ url: URL) throws(CheckpointError) -> SafeTensors {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CheckpointError(description: "checkpoint not found: \(path)")
        }
        if isDirectory.boolValue { throw CheckpointError(description: "\(path) is a directory, not a checkpoint file") }
        do { return try SafeTensors.read(contentsOf: url) } catch { throw CheckpointError(description: "\(path): \(error)") }
    }

    /// The first tensor `declared` that the file lacks or holds with another shape, as a one-line
    /// problem; nil when every declared tensor is there with its shape (extra ones are left to
    /// `loadStateDict`).
    static func mismatch(_ file: SafeTensors, _ declared: [TensorDeclaration]) -> String? {
        mismatch(file.dictionary.mapValues(\.shape), declared, declaredIn: "the configuration in its metadata")
    }

    /// `mismatch` over tensor shapes by name; `declaredIn` says where the declarations come from.
    static func mismatch(_ shapes: [String: [Int]], _ declared: [TensorDeclaration], declaredIn: String) -> String? {
        for tensor in declared {
            guard let shape = shapes[tensor.name] else {
                return "the file has no tensor '\(tensor.name)', which \(declaredIn) needs"
            }
            if shape != tensor.shape {
                return "tensor '\(tensor.name)' is \(shape) in the file but \(tensor.shape) in \(declaredIn)"
            }
        }
        return nil
    }
}
