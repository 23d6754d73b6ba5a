import ArgumentParser
import Foundation
import Models
import Tensor
import Train

/// `perplex bench allreduce`: the gradient all-reduce of data-parallel training alone, for the
/// recipe's LSTM at given sizes (run under `mpirun -np N`; one process measures only the copies).
struct AllReduceBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allreduce",
        abstract: "Time the gradient all-reduce of an LSTM language model across MPI ranks (run under mpirun).")

    @Option(parsing: .upToNextOption, help: "Hidden (= embedding) sizes of the 2-layer LSTMs to time.") var sizes = [200, 650]
    @Option(help: "Vocabulary size.") var vocab = 10_000
    @Option(help: "Timed repetitions (the median is reported).") var repeats = 20

    func run() throws {
        let world: any Communicator
        do { world = try Distributed.world() } catch { throw fail("\(error)") }
        Distributed.shareCores(among: world.localSize)
        for size in sizes {
            let config = ModelConfig(kind: .lstm, vocabularySize: vocab, emsize: size, nhid: size, nlayers: 2)
            let model: any LanguageModel
            do { model = try makeLanguageModel(config) } catch { throw fail("\(error)") }
            for p in model.parameters() { p.grad = Tensor.normal(p.shape) }
            let averager = GradientAverager(model.parameters(), communicator: world)
            var times: [Double] = []
            for _ in 0..<(repeats + 2) {
                world.barrier()
                let start = DispatchTime.now().uptimeNanoseconds
                averager.average()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
            }
            // The slowest rank's time is the step's; the first two calls warm up.
            let local = times.dropFirst(2).sorted()[repeats / 2]
            var slowest = [Double](repeating: 0, count: world.size)
            slowest[world.rank] = local
            let all = world.size > 1 ? world.allReduceSum(slowest) : slowest
            let seconds = all.max() ?? local
            let bytes = Double(averager.bytesPerStep)
            let moved = 2 * Double(world.size - 1) / Double(world.size) * bytes
            if world.isRoot {
                print(String(format: "LSTM 2×%d, vocab %d: %d parameters, %.1f MB, %d ranks: all-reduce %.2f ms (bus %.2f GB/s)",
                             size, vocab, model.parameterCount, bytes / 1e6, world.size, seconds * 1e3,
                             seconds > 0 ? moved / seconds / 1e9 : 0))
            }
        }
        world.finish()
    }
}
