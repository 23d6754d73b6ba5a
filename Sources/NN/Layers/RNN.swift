import Tensor

/// Multi-layer Elman network, PyTorch's `nn.RNN` (batch_first = false):
/// h' = act(W_ih x + b_ih + W_hh h + b_hh) with act tanh or relu.
public final class RNN: RecurrentBase {
    public enum Nonlinearity: String, Sendable { case tanh, relu }

    public let nonlinearity: Nonlinearity
    /// Whether layers run through the fused sequence kernel (`Tensor.rnnSequence`) or through
    /// per-step compositions of basic ops; both compute the same function.
    public var useFusedKernel = true

    public init(
        inputSize: Int, hiddenSize: Int, numLayers: Int = 1, nonlinearity: Nonlinearity = .tanh,
        dropout: Float = 0, generator: RandomGenerator = .global
    ) {
        self.nonlinearity = nonlinearity
        super.init(
            inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, gateCount: 1,
            dropout: dropout, generator: generator)
    }

    /// x [seqLen, batch, inputSize], optional h0 [numLayers, batch, hidden] →
    /// output [seqLen, batch, hidden] and final h [numLayers, batch, hidden].
    public func callAsFunction(_ x: Tensor, _ h0: Tensor? = nil) -> (output: Tensor, state: Tensor) {
        let (output, finals) = runLayers(x, initial: h0.map { [$0] }, stateCount: 1, op: "RNN") { l, input, start in
            let projected = Tensor.linear(input, weight: weightIH[l], bias: biasIH[l] + biasHH[l])
            if useFusedKernel {
                let output = Tensor.rnnSequence(
                    inputProjection: projected, weightHH: weightHH[l], h0: start[0],
                    relu: nonlinearity == .relu)
                let steps = output.shape[0]
                return (output, [output.slice(axis: 0, (steps - 1)..<steps).reshaped(start[0].shape)])
            }
            var h = start[0]
            var outputs: [Tensor] = []
            for xt in projected.unstacked(axis: 0) {
                let pre = xt + Tensor.matmul(h, weightHH[l], transposeB: true)
                h = nonlinearity == .relu ? pre.relu() : pre.tanh()
                outputs.append(h)
            }
            return (Tensor.stack(outputs, axis: 0), [h])
        }
        return (output, finals[0])
    }
}
