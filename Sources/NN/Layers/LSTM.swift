import Tensor

/// Multi-layer long short-term memory, PyTorch's `nn.LSTM` (batch_first = false).
///
/// Per step, with gates in PyTorch's order i, f, g, o stacked in the weights:
///
///     i = σ(W_ii x + b_ii + W_hi h + b_hi)    f = σ(W_if x + b_if + W_hf h + b_hf)
///     g = tanh(W_ig x + b_ig + W_hg h + b_hg) o = σ(W_io x + b_io + W_ho h + b_ho)
///     c' = f ⊙ c + i ⊙ g                      h' = o ⊙ tanh(c')
///
/// The input projection x·W_ihᵀ runs as one product over the whole sequence; each step then only
/// multiplies h·W_hhᵀ.
public final class LSTM: RecurrentBase {
    /// Whether the layers run through the fused multi-layer kernel (`Tensor.lstmStack`) or through
    /// per-step compositions of basic ops; both compute the same function.
    public var useFusedKernel = true

    public init(
        inputSize: Int, hiddenSize: Int, numLayers: Int = 1, dropout: Float = 0,
        generator: RandomGenerator = .global
    ) {
        super.init(
            inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, gateCount: 4,
            dropout: dropout, generator: generator)
    }

    /// x [seqLen, batch, inputSize], optional initial (h0, c0) each [numLayers, batch, hidden] →
    /// output [seqLen, batch, hidden] (last layer's h at every step) and final (h, c), each
    /// [numLayers, batch, hidden].
    public func callAsFunction(_ x: Tensor, _ initial: (h: Tensor, c: Tensor)? = nil)
        -> (output: Tensor, state: (h: Tensor, c: Tensor))
    {
        if useFusedKernel { return stacked(x, initial) }
        let (output, finals) = runLayers(x, initial: initial.map { [$0.h, $0.c] }, stateCount: 2, op: "LSTM") {
            l, input, start in
            let projected = Tensor.linear(input, weight: weightIH[l], bias: biasIH[l] + biasHH[l])
            return composedLayer(projected, weightHH[l], start[0], start[1])
        }
        return (output, (finals[0], finals[1]))
    }

    /// All layers in one fused op (`Tensor.lstmStack`), which splits each layer's hidden units
    /// over the cores; dropout masks are drawn up front in the order the per-layer path draws them.
    private func stacked(_ x: Tensor, _ initial: (h: Tensor, c: Tensor)?) -> (output: Tensor, state: (h: Tensor, c: Tensor)) {
        precondition(x.rank == 3 && x.shape[2] == inputSize, "LSTM: input \(x.shape) is not [seqLen, batch, \(inputSize)]")
        let (steps, batch, h) = (x.shape[0], x.shape[1], hiddenSize)
        if let initial {
            for s in [initial.h, initial.c] {
                precondition(
                    s.shape == [numLayers, batch, h],
                    "LSTM: initial state \(s.shape) is not [\(numLayers), \(batch), \(h)]")
            }
        }
        let h0 = initial.map { $0.h.unstacked(axis: 0) } ?? (0..<numLayers).map { _ in Tensor.zeros([batch, h]) }
        let c0 = initial.map { $0.c.unstacked(axis: 0) } ?? (0..<numLayers).map { _ in Tensor.zeros([batch, h]) }
        var masks: [Tensor?] = []
        if isTraining && dropout > 0 && numLayers > 1 {
            let keep = 1 - dropout
            let scale: Float = dropout == 1 ? 0 : 1 / (1 - dropout)
            for _ in 0..<(numLayers - 1) {
                let mask = Tensor(uninitializedShape: [steps, batch, h])
                generator.fillMask(mask.pointer, count: mask.count, p: keep, value: scale)
                masks.append(mask)
            }
        }
        let (output, hs, cs) = Tensor.lstmStack(
            x, weightsIH: weightIH, weightsHH: weightHH, biasesIH: biasIH,
            biasesHH: biasHH, h0: h0, c0: c0, dropoutMasks: masks)
        return (output, (Tensor.stack(hs, axis: 0), Tensor.stack(cs, axis: 0)))
    }

    /// The reference path: one small graph per step from basic ops.
    private func composedLayer(_ projected: Tensor, _ w: Tensor, _ h0: Tensor, _ c0: Tensor) -> (Tensor, [Tensor]) {
        let hsz = hiddenSize
        var h = h0
        var c = c0
        var outputs: [Tensor] = []
        for xt in projected.unstacked(axis: 0) {
            let gates = (xt + Tensor.matmul(h, w, transposeB: true)).split(sizes: [hsz, hsz, hsz, hsz], axis: 1)
            let (i, f, g, o) = (gates[0].sigmoid(), gates[1].sigmoid(), gates[2].tanh(), gates[3].sigmoid())
            c = f * c + i * g
            h = o * c.tanh()
            outputs.append(h)
        }
        return (Tensor.stack(outputs, axis: 0), [h, c])
    }
}
