import ArgumentParser
import Foundation
import Tensor
import Train

@main
struct Perplex: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perplex",
        abstract: "Train, evaluate and inspect neural language models, their word vectors and sentence classifiers.",
        version: "perplex, MPI: \(Distributed.mpiDescription)\n\(BF16Kernels.summary)",
        subcommands: [
            TrainCommand.self, EvaluateCommand.self, GenerateCommand.self, ConvertCommand.self, ClassifyCommand.self,
            ExportVectorsCommand.self, TrainVectorsCommand.self, NeighboursCommand.self, EmbedPlotCommand.self,
            WordSimCommand.self, NGramsCommand.self, ParamsCommand.self, SweepCommand.self, ReportCommand.self,
            TokenizerCommand.self, ExportONNXCommand.self, ExerciseCommand.self, Demo.self, Bench.self
        ])

    static func main() {
        // Line-buffered output, so progress reaches a log file or pipe as it happens.
        setvbuf(stdout, nil, _IOLBF, 0)
        do {
            var command = try parseAsRoot(SweepCommand.normalizingGridItems(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch {
            // A flag the parser refuses is one line, as every other bad input is (help and
            // version requests, and errors already printed, go out as the parser has them).
            let code = exitCode(for: error)
            let text = message(for: error)
            if code != .success, !(error is ExitCode), !text.isEmpty {
                FileHandle.standardError.write(Data("error: \(oneLine(text))\n".utf8))
                Foundation.exit(code.rawValue)
            }
            exit(withError: error)
        }
    }

    /// The parser's message on one line: "Error: " dropped, a list of choices joined by commas.
    static func oneLine(_ message: String) -> String {
        var text = message.hasPrefix("Error: ") ? String(message.dropFirst("Error: ".count)) : message
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        let choices = lines.filter { $0.hasPrefix("- ") }.map { String($0.dropFirst(2)) }
        text = lines.filter { !$0.hasPrefix("- ") && !$0.isEmpty }.joined(separator: " ")
        return choices.isEmpty ? text : text + " " + choices.joined(separator: ", ")
    }
}
