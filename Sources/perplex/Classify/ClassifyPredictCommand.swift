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
        discussion: """
            Prints 'label<TAB>probability<TAB>sentence' per sentence. Without sentences, reads one per line from stdin \
            (LF, CRLF or CR line breaks); blank lines are skipped, and stderr says how many.
            """)

    @Option(help: "A model.safetensors file or a run folder.") var checkpoint: String
    @Argument(help: "Sentences (tokenised like the training data: words separated by spaces).") var sentences: [String] = []

    func run() throws {
        let loaded: LoadedClassifier
        do { loaded = try ClassifierCheckpoint.load(Checkpoint.url(checkpoint)) } catch { throw fail("\(error)") }
        let source = sentences.isEmpty ? "stdin" : "argument"
        let inputs =
            sentences.isEmpty
            ? TextFile.lines(of: String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self))
            : sentences.map { Substring($0) }
        // A blank line has no words to label; a label for it would be the model's bias, not an answer.
        var kept: [(sentence: Substring, tokens: [String])] = []
        var blank = 0
        for (index, input) in inputs.enumerated() {
            let words: [Substring]
            do { words = try LabelledSentences.words(of: input, source: source, line: index + 1) } catch {
                throw fail("\(error)")
            }
            if words.isEmpty { blank += 1 } else { kept.append((input, words.map(String.init))) }
        }
        if blank > 0 { FileHandle.standardError.write(Data("| \(blank) blank \(blank == 1 ? "line" : "lines") skipped\n".utf8)) }
        guard !kept.isEmpty else { throw fail("no sentences to label (give them as arguments or on stdin)") }
        let encoded = EncodedSentences(
            sentences: kept.map { ClassificationVocabulary.encode($0.tokens, with: loaded.vocabulary) },
            classes: Array(repeating: 0, count: kept.count))
        for (p, input) in zip(classProbabilities(loaded.model, on: encoded), kept) {
            let best = p.indices.max { p[$0] < p[$1] } ?? 0
            print(String(format: "%d\t%.4f\t%@", loaded.labels[best], p[best], String(input.sentence)))
        }
    }
}
