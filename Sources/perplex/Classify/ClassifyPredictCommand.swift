import ArgumentParser
import Foundation
import Models
import Text
import Train

/// `perplex classify predict`: the label of each sentence given (or of each line of stdin).
struct ClassifyPredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Label sentences with a trained classifier.",
        discussion: "Prints 'label<TAB>probability<TAB>sentence' per sentence. Without sentences, reads one per line from stdin.")

    @Option(help: "A model.safetensors file or a run folder.") var checkpoint: String
    @Argument(help: "Sentences (tokenised like the training data: words separated by spaces).") var sentences: [String] = []

    func run() throws {
        let loaded: LoadedClassifier
        do { loaded = try ClassifierCheckpoint.load(Checkpoint.url(checkpoint)) } catch { throw fail("\(error)") }
        var inputs = sentences
        if inputs.isEmpty {
            while let line = readLine() { inputs.append(line) }
        }
        let tokenised = inputs.map { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
        guard !tokenised.isEmpty else { throw fail("no sentences to label (give them as arguments or on stdin)") }
        let encoded = EncodedSentences(
            sentences: tokenised.map { ClassificationVocabulary.encode($0, with: loaded.vocabulary) },
            classes: Array(repeating: 0, count: tokenised.count))
        for (p, sentence) in zip(classProbabilities(loaded.model, on: encoded), inputs) {
            let best = p.indices.max { p[$0] < p[$1] } ?? 0
            print(String(format: "%d\t%.4f\t%@", loaded.labels[best], p[best], sentence))
        }
    }
}
