import Formats
import Foundation
import NN
import Tensor
import Text

/// A trained sentence classifier with what it needs to read new text.
public struct LoadedClassifier {
    public let model: any SentenceClassifier
    public let vocabulary: Vocabulary
    /// The labels as written in the data files, in class-index order.
    public let labels: [Int]
}

/// A classifier checkpoint: the state dict as safetensors with the configuration, the vocabulary
/// and the label names in the metadata, so the file alone can evaluate and predict.
public enum ClassifierCheckpoint {
    static let configKey = "perplex.classifier", vocabularyKey = "perplex.vocabulary", labelsKey = "perplex.labels"

    /// Writes atomically (temporary file, then rename): an interrupted write leaves the old file.
    public static func save(_ model: any SentenceClassifier, vocabulary: Vocabulary, labels: [Int], to url: URL) throws {
        let config = String(decoding: try Checkpoint.sortedJSON.encode(model.config), as: UTF8.self)
        let file = SafeTensors(
            tensors: model.namedTensors().map { (name: $0.0, tensor: $0.1) },
            metadata: [
                configKey: config, vocabularyKey: vocabulary.words.joined(separator: "\n"),
                labelsKey: labels.map(String.init).joined(separator: " ")
            ])
        try file.write(to: url)
    }

    /// Reads a checkpoint written by `save`, checking its tensors against its configuration
    /// before building anything (as `Checkpoint.loadWithMetadata`).
    public static func load(_ url: URL) throws(CheckpointError) -> LoadedClassifier {
        let path = url.path
        func fail(_ message: String) -> CheckpointError { CheckpointError(description: "\(path): \(message)") }
        let file = try Checkpoint.readFile(url)
        guard let configText = file.metadata[configKey] else {
            if file.metadata[Checkpoint.configKey] != nil {
                throw CheckpointError(
                    description:
                        "\(path) is a language-model checkpoint, not a sentence classifier's (perplex evaluate and generate read it)"
                )
            }
            throw fail("not a classifier checkpoint (no valid '\(configKey)' in the metadata)")
        }
        guard let config = try? JSONDecoder().decode(ClassifierConfig.self, from: Data(configText.utf8)) else {
            throw fail("not a classifier checkpoint (no valid '\(configKey)' in the metadata)")
        }
        do { try config.validate() } catch { throw fail("the classifier configuration in the metadata is invalid: \(error)") }
        guard let words = file.metadata[vocabularyKey]?.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
            words.count == config.vocabularySize, ClassificationVocabulary.isValid(Vocabulary(words: words))
        else {
            throw fail("the vocabulary in the metadata does not match the model's \(config.vocabularySize) words")
        }
        let labels = (file.metadata[labelsKey] ?? "").split(separator: " ").compactMap { Int($0) }
        guard labels.count == config.classCount else {
            throw fail("the labels in the metadata do not match the model's \(config.classCount) classes")
        }
        if let mismatch = Checkpoint.mismatch(file, config.tensorDeclarations) { throw fail(mismatch) }
        let model: any SentenceClassifier
        do { model = try makeSentenceClassifier(config) } catch { throw fail("\(error)") }
        do { try model.loadStateDict(file.dictionary) } catch { throw fail("\(error)") }
        model.eval()
        return LoadedClassifier(model: model, vocabulary: Vocabulary(words: words), labels: labels)
    }
}
