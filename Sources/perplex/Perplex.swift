import ArgumentParser

@main
struct Perplex: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perplex",
        abstract: "Train, evaluate and inspect neural language models.",
        subcommands: [Demo.self, Bench.self])
}
