import ArgumentParser
import Foundation
import NN
import Tensor

/// `perplex bench lstm`: forward + backward of the LM recipe's 2-layer LSTM; the PyTorch side is
/// `scripts/bench_lstm.py`, which runs this command and prints the ratio.
struct LSTMBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lstm",
        abstract: "Time forward + backward of a multi-layer LSTM (default: the word LM recipe's shape).")

    @Option(parsing: .unconditional, help: "Sequence length (bptt).") var seqLen = 35
    @Option(parsing: .unconditional, help: "Batch size.") var batch = 20
    @Option(parsing: .unconditional, help: "Input features (emsize).") var inputSize = 200
    @Option(parsing: .unconditional, help: "Hidden units (nhid).") var hidden = 200
    @Option(parsing: .unconditional, help: "Layers.") var layers = 2
    @Option(parsing: .unconditional, help: "Dropout between layers (training mode).") var dropout: Float = 0
    @Option(parsing: .unconditional, help: "Threads for large products (default: all cores).") var threads: Int?
    @Option(parsing: .unconditional, help: "Timed repetitions (the median is reported).") var repeats = 20
    @Flag(help: "Use the per-step composition of basic ops instead of the fused kernel.") var composed = false
    @Flag(help: "Time the forward pass alone, without recording a graph (evaluation).") var forwardOnly = false

    func run() throws {
        if let threads { BLAS.maxThreads = max(1, threads) }
        let rng = RandomGenerator(seed: 1)
        let lstm = LSTM(inputSize: inputSize, hiddenSize: hidden, numLayers: layers, dropout: dropout, generator: rng)
        lstm.useFusedKernel = !composed
        let x = Tensor.normal([seqLen, batch, inputSize], generator: rng, requiresGrad: true)
        let h0 = Tensor.zeros([layers, batch, hidden])
        let c0 = Tensor.zeros([layers, batch, hidden])
        let seconds =
            forwardOnly
            ? medianSeconds(repeats: repeats) {
                withNoGrad { _ = lstm(x, (h0, c0)) }
            }
            : medianSeconds(repeats: repeats) {
                lstm.zeroGrad()
                x.zeroGrad()
                let (output, _) = lstm(x, (h0, c0))
                output.sum().backward()
            }
        let flops =
            (forwardOnly ? 1.0 : 3.0) * 2 * Double(seqLen * batch) * Double(4 * hidden)
            * Double(inputSize + hidden + (layers - 1) * 2 * hidden)
        print(
            String(
                format: "perplex lstm %@%@ %d×%d, seq %d, batch %d, %d threads: %.3f ms/iteration (%.1f GFLOP/s in products)",
                composed ? "composed" : "fused", forwardOnly ? " forward" : "", layers, hidden, seqLen, batch, BLAS.maxThreads,
                seconds * 1e3, flops / seconds / 1e9))
        print(String(format: "ms_per_iteration=%.4f", seconds * 1e3))
    }
}
