import ArgumentParser
import Foundation
import Models
import Text
import Train

/// `perplex classify evaluate`: a classifier checkpoint's accuracy, per-class figures and
/// confusion matrix on a `label sentence` file.
struct ClassifyEvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate", abstract: "Accuracy, per-class precision/recall/F1 and confusion matrix on a labelled file.")

    @Option(help: "A model.safetensors file or a run folder.") var checkpoint: String
    @Option(help: "Labelled data: one 'label sentence' per line.") var data: String

    func run() throws {
        let loaded: LoadedClassifier
        do { loaded = try ClassifierCheckpoint.load(Checkpoint.url(checkpoint)) } catch { throw fail("\(error)") }
        let encoded: EncodedSentences
        do {
            encoded = try EncodedSentences(
                try LabelledSentences(contentsOf: data), vocabulary: loaded.vocabulary, labels: loaded.labels)
        } catch { throw fail("\(error)") }
        let metrics = ClassificationMetrics(
            names: loaded.labels.map(String.init), truth: encoded.classes,
            predicted: predictClasses(loaded.model, on: encoded))
        print(metrics.report(title: data))
    }
}
