import Analysis
import ArgumentParser
import Foundation
import Models

/// `perplex params`: the parameter tensors and total of a model configuration, worked out from the
/// configuration alone (nothing is built, so a model too large for memory is still counted).
struct ParamsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "params", abstract: "Parameter count per tensor (PyTorch names) and in total for a model configuration.")

    @OptionGroup var modelOptions: ModelOptions
    @Option(parsing: .unconditional, help: "Vocabulary size.") var vocab = 10000
    @Option(parsing: .unconditional, help: "CharCNN: size of the character vocabulary (padding and word markers included).")
    var characters = 50

    func run() throws {
        guard characters > 0 else { throw fail("--characters must be positive") }
        let config: ModelConfig
        do { config = try modelOptions.config(vocabularySize: vocab, dropout: 0, characters: characters) } catch {
            throw fail("\(error)")
        }
        let count: ParameterCount
        do { count = try ParameterCount(config) } catch { throw fail("\(error)") }
        let width = max(9, count.entries.map(\.name.count).max() ?? 0)
        let shapes = count.entries.map { "[" + $0.shape.map(String.init).joined(separator: ", ") + "]" }
        let shapeWidth = max(14, shapes.map(\.count).max() ?? 0)
        func pad(_ text: String, _ length: Int) -> String { text.padding(toLength: length, withPad: " ", startingAt: 0) }
        print("\(pad("parameter", width))  \(pad("shape", shapeWidth))  count")
        for (entry, shape) in zip(count.entries, shapes) {
            print("\(pad(entry.name, width))  \(pad(shape, shapeWidth))  \(entry.count)")
        }
        print("| total \(count.total) parameters (\(config.kind.rawValue), \(count.entries.count) tensors)")
    }
}
