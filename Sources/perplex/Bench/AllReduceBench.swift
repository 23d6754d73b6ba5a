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
    @Option(parsing: .unconditional, help: "Vocabulary size.") var vocab = 10_000
    @Option(parsing: .unconditional, help: "Timed repetitions (the median is reported).") var repeats = 20
    @Option(parsing: .unconditional, help: "Floats per all-reduce bucket (default: GradientAverager's).") var bucket: Int?
    @Option(
        parsing: .unconditional,
        help: "Embedding rows with a gradient on each rank, for the sparse-row timing (ptb-small, batch 20 × bptt 35: about 356)."
    )
    var touchedRows = 356

    func run() throws {
        let world: any Communicator
        do { world = try Distributed.world() } catch { throw fail("\(error)") }
        Distributed.shareCores(among: world.localSize)
        for size in sizes {
            let config = ModelConfig(kind: .lstm, vocabularySize: vocab, emsize: size, nhid: size, nlayers: 2)
            let model: any LanguageModel
            do { model = try makeLanguageModel(config) } catch { throw fail("\(error)") }
            for p in model.parameters() { p.grad = Tensor.normal(p.shape) }
            let averager =
                bucket.map { GradientAverager(model.parameters(), communicator: world, bucketSize: max(1, $0)) }
                ?? GradientAverager(model.parameters(), communicator: world)
            let flat = Tensor(shape: [model.parameterCount], repeating: 1)
            let buffer = UnsafeMutableBufferPointer(start: flat.pointer, count: flat.count)
            let averaging = slowestMedian(world) { averager.average() }
            let raw = slowestMedian(world) { world.allReduceSum(buffer) }
            // The embedding's gradient as a step leaves it: zero but for `touchedRows` rows (the
            // same on every rank here, spread over the table), sent as rows.
            let sparse = GradientAverager(
                model.parameters(), communicator: world, bucketSize: bucket.map { max(1, $0) } ?? 1 << 20,
                sparseRows: model.embeddingWeights)
            let rows = min(max(0, touchedRows), vocab)
            let refill = {
                for table in model.embeddingWeights {
                    guard let grad = table.grad else { continue }
                    let width = table.shape[1]
                    grad.pointer.update(repeating: 0, count: grad.count)
                    for n in 0..<rows { (grad.pointer + (n * vocab / max(1, rows)) * width).update(repeating: 0.5, count: width) }
                }
            }
            let sparseAveraging = slowestMedian(world) {
                refill()
                sparse.average()
            }
            let bytes = Double(averager.bytesPerStep)
            let moved = 2 * Double(world.size - 1) / Double(world.size) * bytes
            if world.isRoot {
                print(
                    String(
                        format:
                            "LSTM 2×%d, vocab %d: %d parameters, %.1f MB, %d ranks: gradient averaging %.2f ms, one flat all-reduce %.2f ms (bus %.2f GB/s); with %d embedding rows sent as rows %.2f ms (%.1f MB sent)",
                        size, vocab, model.parameterCount, bytes / 1e6, world.size, averaging * 1e3, raw * 1e3,
                        raw > 0 ? moved / raw / 1e9 : 0, rows, sparseAveraging * 1e3, Double(sparse.lastStepBytes) / 1e6))
            }
        }
        world.finish()
    }

    /// The median over `repeats` timed calls of `body` (after two warm-up calls, each call after a
    /// barrier), on the slowest rank: a step waits for the last rank.
    func slowestMedian(_ world: any Communicator, _ body: () -> Void) -> Double {
        var times: [Double] = []
        for _ in 0..<(repeats + 2) {
            world.barrier()
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        let local = times.dropFirst(2).sorted()[repeats / 2]
        var each = [Double](repeating: 0, count: world.size)
        each[world.rank] = local
        return (world.size > 1 ? world.allReduceSum(each) : each).max() ?? local
    }
}
