import Tensor

/// What RNN, LSTM and GRU share: PyTorch's parameter layout and the stacking of layers.
///
/// Per layer `l` the state dict holds `weight_ih_l{l}` [gates·hidden, input], `weight_hh_l{l}`
/// [gates·hidden, hidden], `bias_ih_l{l}` and `bias_hh_l{l}` [gates·hidden], all initialised
/// U(±1/√hidden) as in PyTorch. Layer 0 reads the input, layer l > 0 the output of layer l - 1,
/// with dropout between layers (never after the last) while training.
public class RecurrentBase: Module {
    public let inputSize: Int
    public let hiddenSize: Int
    public let numLayers: Int
    /// Dropout probability applied to the outputs of every layer but the last, in training.
    public let dropout: Float
    let gateCount: Int
    public let weightIH: [Tensor]
    public let weightHH: [Tensor]
    public let biasIH: [Tensor]
    public let biasHH: [Tensor]
    let generator: RandomGenerator

    init(
        inputSize: Int, hiddenSize: Int, numLayers: Int, gateCount: Int, dropout: Float,
        generator: RandomGenerator
    ) {
        precondition(
            inputSize > 0 && hiddenSize > 0 && numLayers > 0,
            "recurrent layer: sizes must be positive (input \(inputSize), hidden \(hiddenSize), layers \(numLayers))")
        precondition(dropout >= 0 && dropout <= 1, "recurrent layer: dropout \(dropout) outside [0, 1]")
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.dropout = dropout
        self.gateCount = gateCount
        self.generator = generator
        let bound = 1 / Float(hiddenSize).squareRoot()
        let rows = gateCount * hiddenSize
        var wih: [Tensor] = []
        var whh: [Tensor] = []
        var bih: [Tensor] = []
        var bhh: [Tensor] = []
        for l in 0..<numLayers {
            // PyTorch's order (weight_ih, weight_hh, bias_ih, bias_hh per layer) keeps seeded draws comparable.
            wih.append(Init.uniform([rows, l == 0 ? inputSize : hiddenSize], bound: bound, generator: generator))
            whh.append(Init.uniform([rows, hiddenSize], bound: bound, generator: generator))
            bih.append(Init.uniform([rows], bound: bound, generator: generator))
            bhh.append(Init.uniform([rows], bound: bound, generator: generator))
        }
        (weightIH, weightHH, biasIH, biasHH) = (wih, whh, bih, bhh)
    }

    /// PyTorch's names, which are not Swift property names.
    override public func ownTensors() -> [(String, Tensor)] {
        (0..<numLayers).flatMap { l in
            [
                ("weight_ih_l\(l)", weightIH[l]), ("weight_hh_l\(l)", weightHH[l]),
                ("bias_ih_l\(l)", biasIH[l]), ("bias_hh_l\(l)", biasHH[l])
            ]
        }
    }

    /// Runs the layers over `x` [seqLen, batch, inputSize]. `initial` holds `stateCount` tensors
    /// [numLayers, batch, hidden] (zeros when nil); `layer(l, input, states)` runs one layer and
    /// returns its output [seqLen, batch, hidden] and final states [batch, hidden].
    func runLayers(
        _ x: Tensor, initial: [Tensor]?, stateCount: Int, op: String,
        _ layer: (Int, Tensor, [Tensor]) -> (Tensor, [Tensor])
    ) -> (Tensor, [Tensor]) {
        precondition(
            x.rank == 3 && x.shape[2] == inputSize,
            "\(op): input \(x.shape) is not [seqLen, batch, \(inputSize)]")
        let batch = x.shape[1]
        let h = hiddenSize
        if let initial {
            precondition(initial.count == stateCount, "\(op): \(initial.count) initial states, expected \(stateCount)")
            for s in initial {
                precondition(
                    s.shape == [numLayers, batch, h],
                    "\(op): initial state \(s.shape) is not [\(numLayers), \(batch), \(h)]")
            }
        }
        let perLayer = initial.map { states in states.map { $0.unstacked(axis: 0) } }
        var input = x
        var finals = [[Tensor]](repeating: [], count: stateCount)
        for l in 0..<numLayers {
            let start = (0..<stateCount).map { k in perLayer?[k][l] ?? Tensor.zeros([batch, h]) }
            let (output, states) = layer(l, input, start)
            for k in 0..<stateCount { finals[k].append(states[k]) }
            input = l < numLayers - 1 ? output.dropout(p: dropout, training: isTraining, generator: generator) : output
        }
        return (input, finals.map { Tensor.stack($0, axis: 0) })
    }
}
