import Formats
import Tensor

extension ONNXStateDictGraph {
    /// The recipe's RNNModel: Gather → one ONNX RNN/LSTM/GRU node per layer → decoder, with the
    /// state in as `h0` (and `c0`) [nlayers, batch, nhid] and out as `hn` (and `cn`).
    ///
    /// ONNX's gate blocks come in another order than PyTorch's: LSTM i, o, f, c (PyTorch i, f, g,
    /// o), GRU z, r, h (PyTorch r, z, n, with `linear_before_reset` = 1 for PyTorch's reset of
    /// the hidden product after its bias). Per layer W [1, G·nhid, in] and R [1, G·nhid, nhid]
    /// are weight_ih and weight_hh, B [1, 2·G·nhid] is bias_ih then bias_hh, all reordered.
    mutating func recurrent(_ cell: RNNModel.Cell) {
        let (layers, hidden) = (config.nlayers, config.nhid)
        let stateDims: [ONNXDimension] = [.fixed(layers), .named("batch"), .fixed(hidden)]
        let lstm = cell == .lstm
        let input = tokenInput()
        graph.inputs.append(ONNXValueInfo("h0", .float, stateDims))
        if lstm { graph.inputs.append(ONNXValueInfo("c0", .float, stateDims)) }
        var x = embedding(input)
        var finalH: [String] = []
        var finalC: [String] = []
        for l in 0..<layers {
            let w = layerWeights(l, cell)
            var inputs = [x, w, "rnn.R_l\(l)", "rnn.B_l\(l)", "", layerSlice("h0", l)]
            if lstm { inputs.append(layerSlice("c0", l)) }
            let outputs = graph.add(cell.onnxOperator, inputs, cell.attributes(hidden: hidden), outputs: lstm ? 3 : 2)
            // Y [seq, 1, batch, nhid] → [seq, batch, nhid].
            x = graph.add("Squeeze", [outputs[0], graph.int64s([1])])
            finalH.append(outputs[1])
            if lstm { finalC.append(outputs[2]) }
        }
        decoder(x)
        let hn = graph.add("Concat", finalH, [.int("axis", 0)], as: "hn")
        graph.outputs.append(ONNXValueInfo(hn, .float, stateDims))
        if lstm {
            let cn = graph.add("Concat", finalC, [.int("axis", 0)], as: "cn")
            graph.outputs.append(ONNXValueInfo(cn, .float, stateDims))
        }
    }

    /// Layer `l`'s part of the state `state` [nlayers, batch, nhid]: [1, batch, nhid] (ONNX's
    /// num_directions axis in place of the layers).
    private mutating func layerSlice(_ state: String, _ l: Int) -> String {
        graph.add("Slice", [state, graph.int64s([Int64(l)]), graph.int64s([Int64(l + 1)]), graph.int64s([0])])
    }

    /// Adds layer `l`'s W, R and B initializers (`rnn.W_l{l}`, `rnn.R_l{l}`, `rnn.B_l{l}`),
    /// returns W's name.
    private mutating func layerWeights(_ l: Int, _ cell: RNNModel.Cell) -> String {
        let order = cell.onnxGateOrder
        let wih = tensor("rnn.weight_ih_l\(l)")
        let whh = tensor("rnn.weight_hh_l\(l)")
        let bias = reordered(tensor("rnn.bias_ih_l\(l)"), order) + reordered(tensor("rnn.bias_hh_l\(l)"), order)
        graph.initializer(ONNXTensor(name: "rnn.R_l\(l)", floats: reordered(whh, order), dims: [1] + whh.shape))
        graph.initializer(ONNXTensor(name: "rnn.B_l\(l)", floats: bias, dims: [1, bias.count]))
        return graph.initializer(ONNXTensor(name: "rnn.W_l\(l)", floats: reordered(wih, order), dims: [1] + wih.shape))
    }

    /// `t`'s values with its leading axis cut into `order.count` equal gate blocks taken in `order`.
    private func reordered(_ t: Tensor, _ order: [Int]) -> [Float] {
        let values = t.scalars
        let block = values.count / order.count
        return order.flatMap { values[($0 * block)..<(($0 + 1) * block)] }
    }
}

extension RNNModel.Cell {
    /// The ONNX operator of one layer.
    var onnxOperator: String {
        switch self {
        case .tanh, .relu: "RNN"
        case .lstm: "LSTM"
        case .gru: "GRU"
        }
    }

    /// PyTorch's gate blocks in ONNX's order: ONNX block k is PyTorch block order[k].
    var onnxGateOrder: [Int] {
        switch self {
        case .tanh, .relu: [0]
        case .lstm: [0, 3, 1, 2]  // i, o, f, c ← i, f, g, o
        case .gru: [1, 0, 2]  // z, r, h ← r, z, n
        }
    }

    func attributes(hidden: Int) -> [ONNXAttribute] {
        let size = ONNXAttribute.int("hidden_size", hidden)
        switch self {
        case .tanh: return [size, .strings("activations", ["Tanh"])]
        case .relu: return [size, .strings("activations", ["Relu"])]
        case .lstm: return [size]
        case .gru: return [size, .int("linear_before_reset", 1)]
        }
    }
}
