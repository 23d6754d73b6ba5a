import Tensor

/// Multi-layer gated recurrent unit, PyTorch's `nn.GRU` (batch_first = false).
///
/// Per step, with gates in PyTorch's order r, z, n stacked in the weights:
///
///     r = σ(W_ir x + b_ir + W_hr h + b_hr)    z = σ(W_iz x + b_iz + W_hz h + b_hz)
///     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
///     h' = (1 - z) ⊙ n + z ⊙ h
///
/// b_hn sits inside the reset product, so the hidden bias cannot be folded into the input
/// projection as it is for LSTM and RNN.
public final class GRU: RecurrentBase {
    /// Whether layers run through the fused sequence kernel (`Tensor.gruSequence`) or through
    /// per-step compositions of basic ops; both compute the same function.
    public var useFusedKernel = true

    public init(
        inputSize: Int, hiddenSize: Int, numLayers: Int = 1, dropout: Float = 0,
        generator: RandomGenerator = .global
    ) {
        super.init(
            inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, gateCount: 3,
            dropout: dropout, generator: generator)
    }

    /// x [seqLen, batch, inputSize], optional h0 [numLayers, batch, hidden] →
    /// output [seqLen, batch, hidden] and final h [numLayers, batch, hidden].
    public func callAsFunction(_ x: Tensor, _ h0: Tensor? = nil) -> (output: Tensor, state: Tensor) {
        let (output, finals) = runLayers(x, initial: h0.map { [$0] }, stateCount: 1, op: "GRU") { l, input, start in
            let projected = Tensor.linear(input, weight: weightIH[l], bias: biasIH[l])
            if useFusedKernel {
                let output = Tensor.gruSequence(
                    inputProjection: projected, weightHH: weightHH[l],
                    biasHH: biasHH[l], h0: start[0])
                let steps = output.shape[0]
                return (output, [output.slice(axis: 0, (steps - 1)..<steps).reshaped(start[0].shape)])
            }
            return composedLayer(projected, weightHH[l], biasHH[l], start[0])
        }
        return (output, finals[0])
    }

    /// The reference path: one small graph per step from basic ops.
    private func composedLayer(_ projected: Tensor, _ w: Tensor, _ b: Tensor, _ h0: Tensor) -> (Tensor, [Tensor]) {
        let sizes = [hiddenSize, hiddenSize, hiddenSize]
        var h = h0
        var outputs: [Tensor] = []
        for xt in projected.unstacked(axis: 0) {
            let xs = xt.split(sizes: sizes, axis: 1)
            let hs = Tensor.linear(h, weight: w, bias: b).split(sizes: sizes, axis: 1)
            let r = (xs[0] + hs[0]).sigmoid()
            let z = (xs[1] + hs[1]).sigmoid()
            let n = (xs[2] + r * hs[2]).tanh()
            h = n + z * (h - n)
            outputs.append(h)
        }
        return (Tensor.stack(outputs, axis: 0), [h])
    }
}
