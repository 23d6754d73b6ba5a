import ArgumentParser

@main
struct Perplex: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perplex",
        abstract: "Train, evaluate and inspect neural language models.",
        subcommands: [TrainCommand.self, EvaluateCommand.self, GenerateCommand.self, Demo.self, Bench.self])
}
