import ArgumentParser
import Models
import Train

extension ClassifierKind: ExpressibleByArgument {}
extension SentencePooling: ExpressibleByArgument {}
extension ClassifierOptimizer: ExpressibleByArgument {}

/// `perplex classify`: sentence classification (Kim 2014's CNN, an LSTM) on `label sentence` files.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Train, evaluate and use sentence classifiers (Kim 2014's CNN, an LSTM).",
        subcommands: [ClassifyTrainCommand.self, ClassifyEvaluateCommand.self, ClassifyPredictCommand.self])
}
