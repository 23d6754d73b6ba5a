import ArgumentParser
import Foundation

@main
struct Perplex: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perplex",
        abstract: "Train, evaluate and inspect neural language models, their word vectors and sentence classifiers.",
        subcommands: [TrainCommand.self, EvaluateCommand.self, GenerateCommand.self, ClassifyCommand.self,
                      ExportVectorsCommand.self, TrainVectorsCommand.self, NeighboursCommand.self, WordSimCommand.self, NGramsCommand.self,
                      ParamsCommand.self, Demo.self, Bench.self])

    static func main() {
        // Line-buffered output, so progress reaches a log file or pipe as it happens.
        setvbuf(stdout, nil, _IOLBF, 0)
        main(nil)
    }
}
