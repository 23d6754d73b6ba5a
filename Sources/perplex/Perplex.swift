import ArgumentParser
import Foundation
import Train

@main
struct Perplex: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perplex",
        abstract: "Train, evaluate and inspect neural language models, their word vectors and sentence classifiers.",
        version: "perplex, MPI: \(Distributed.mpiDescription)",
        subcommands: [
            TrainCommand.self, EvaluateCommand.self, GenerateCommand.self, ConvertCommand.self, ClassifyCommand.self,
            ExportVectorsCommand.self, TrainVectorsCommand.self, NeighboursCommand.self, EmbedPlotCommand.self,
            WordSimCommand.self, NGramsCommand.self, ParamsCommand.self, SweepCommand.self, ReportCommand.self,
            TokenizerCommand.self, ExportONNXCommand.self, ExerciseCommand.self, Demo.self, Bench.self
        ])

    static func main() {
        // Line-buffered output, so progress reaches a log file or pipe as it happens.
        setvbuf(stdout, nil, _IOLBF, 0)
        main(SweepCommand.normalizingGridItems(Array(CommandLine.arguments.dropFirst())))
    }
}
