import ArgumentParser
import Foundation

/// `perplex bench peak`: the machine's measured Float32 FMA peak, the yardstick of `bench lm`'s
/// "% of peak" (scripts/bench_lm.py reads the number).
struct PeakBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peak",
        abstract: "Measure the machine's Float32 FMA peak in GFLOP/s (all cores).")

    @Option(help: "Cores to run on (default: all active processors).") var cores = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard cores >= 1 else { throw ValidationError("--cores must be at least 1, got \(cores)") }
    }

    func run() {
        print(String(format: "FMA peak %.1f GFLOP/s on %d cores", measuredFMAPeak(cores: cores), cores))
    }
}
