import ArgumentParser
import Foundation
import Tensor

extension MatrixPrecision: ExpressibleByArgument {}

/// `--precision` for the commands that run a model: the matrix products' input precision.
struct PrecisionOption: ParsableArguments {
    @Option(
        help:
            "Matrix-product inputs: fp32, or bf16 (bfloat16 inputs, Float32 sums; weights, optimizer state, LSTM cell state, layer norm, softmax and the loss stay Float32). On a CPU without AVX-512 BF16, bf16 says so and runs in fp32."
    )
    var precision: MatrixPrecision = .float32

    /// Runs `body` in the asked precision, first saying on stderr when it falls back to Float32.
    func apply(_ body: () throws -> Void) throws {
        if let fallback = precision.fallback { FileHandle.standardError.write(Data(("| " + fallback + "\n").utf8)) }
        try precision.apply(body)
    }
}
