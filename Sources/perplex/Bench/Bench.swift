import ArgumentParser

/// `perplex bench …`: speed measurements that print ratios against a reference, side by side.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure speed against reference implementations.",
        subcommands: [KernelBench.self, LSTMBench.self, PeakBench.self, AllReduceBench.self, GenerateBench.self])
}
