import Analysis
import ArgumentParser
import Foundation
import Models

/// `perplex params`: the parameter tensors and total of a model configuration, without training.
struct ParamsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "params", abstract: "Parameter count per tensor (PyTorch names) and in total for a model configuration.")

    @Option(help: "RNN_TANH, RNN_RELU, LSTM, GRU or Transformer.") var model: ModelKind = .lstm
    @Option(help: "Size of word embeddings.") var emsize = 200
    @Option(help: "Hidden units per layer (Transformer: feed-forward width).") var nhid = 200
    @Option(help: "Number of layers.") var nlayers = 2
    @Option(help: "Attention heads (Transformer).") var nhead = 2
    @Option(help: "Vocabulary size.") var vocab = 10000
    @Flag(help: "Tie the word embedding and softmax weights (counted once).") var tied = false

    func run() throws {
        let config = ModelConfig(kind: model, vocabularySize: vocab, emsize: emsize, nhid: nhid, nlayers: nlayers,
                                 nhead: nhead, tied: tied)
        let count: ParameterCount
        do { count = try ParameterCount(config) } catch { throw fail("\(error)") }
        let width = max(9, count.entries.map(\.name.count).max() ?? 0)
        print("\("parameter".padding(toLength: width, withPad: " ", startingAt: 0))  \("shape".padding(toLength: 14, withPad: " ", startingAt: 0))  count")
        for entry in count.entries {
            let shape = "[" + entry.shape.map(String.init).joined(separator: ", ") + "]"
            print("\(entry.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(shape.padding(toLength: 14, withPad: " ", startingAt: 0))  \(entry.count)")
        }
        print("| total \(count.total) parameters (\(model.rawValue), \(count.entries.count) tensors)")
    }
}
