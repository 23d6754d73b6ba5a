import Formats
import Foundation
import NN
import Tensor
import Testing

/// One PyTorch fixture case of a recurrent layer: kind, layers, with or without initial state,
/// run through the fused kernels or the composed reference path.
struct RecurrentCase: CustomTestStringConvertible, Sendable {
    let kind: String
    let layers: Int
    let initial: Bool
    let fused: Bool
    var fixture: String { "\(kind)_l\(layers)" + (initial ? "_init" : "") }
    var testDescription: String { fixture + (fused ? " fused" : " composed") }

    static let all: [RecurrentCase] = ["rnn_tanh", "rnn_relu", "lstm", "gru"].flatMap { kind in
        [1, 2].flatMap { layers in
            [false, true].flatMap { initial in
                [true, false].map { RecurrentCase(kind: kind, layers: layers, initial: initial, fused: $0) }
            }
        }
    }
}

@Suite struct RecurrentTests {
    @Test(arguments: RecurrentCase.all)
    func matchesPyTorch(_ c: RecurrentCase) throws {
        let f = try Fixture(c.fixture)
        let x = try f("input")
        let hidden = try f("param.weight_hh_l0").shape[1]
        // Two layers over 35 steps accumulate more rounding than one short layer.
        let tolerance: Float = c.layers == 1 ? 1e-5 : 1e-4
        var inputs = [x]
        switch c.kind {
        case "lstm":
            if c.initial { inputs += [try f("input.1"), try f("input.2")] }
            let m = LSTM(inputSize: x.shape[2], hiddenSize: hidden, numLayers: c.layers)
            m.useFusedKernel = c.fused
            try f.checkLayer(m, inputs: inputs, tolerance: tolerance) { i in
                let (out, state) = m(i[0], i.count > 1 ? (i[1], i[2]) : nil)
                return [out, state.h, state.c]
            }
        case "gru":
            if c.initial { inputs.append(try f("input.1")) }
            let m = GRU(inputSize: x.shape[2], hiddenSize: hidden, numLayers: c.layers)
            m.useFusedKernel = c.fused
            try f.checkLayer(m, inputs: inputs, tolerance: tolerance) { i in
                let (out, h) = m(i[0], i.count > 1 ? i[1] : nil)
                return [out, h]
            }
        default:
            if c.initial { inputs.append(try f("input.1")) }
            let m = RNN(
                inputSize: x.shape[2], hiddenSize: hidden, numLayers: c.layers,
                nonlinearity: c.kind == "rnn_relu" ? .relu : .tanh)
            m.useFusedKernel = c.fused
            try f.checkLayer(m, inputs: inputs, tolerance: tolerance) { i in
                let (out, h) = m(i[0], i.count > 1 ? i[1] : nil)
                return [out, h]
            }
        }
    }

    @Test func lstmLoadsATorchStateDictNameForName() throws {
        let state = try SafeTensors.read(contentsOf: Fixture.directory.appendingPathComponent("lstm_state_dict.safetensors"))
        let probe = try Fixture("lstm_state_dict_probe")
        let lstm = LSTM(inputSize: 6, hiddenSize: 8, numLayers: 2)
        #expect(Set(lstm.namedTensors().map(\.0)) == Set(state.tensors.map(\.name)))
        try lstm.loadStateDict(state.dictionary, strict: true)
        lstm.eval()
        let (out, (h, c)) = lstm(try probe("input"))
        probe.expectClose(out, try probe("output"), 1e-5, "output", #_sourceLocation)
        probe.expectClose(h, try probe("h"), 1e-5, "h", #_sourceLocation)
        probe.expectClose(c, try probe("c"), 1e-5, "c", #_sourceLocation)
    }

    @Test func parameterNamesFollowPyTorch() {
        let gru = GRU(inputSize: 3, hiddenSize: 4, numLayers: 2)
        #expect(
            gru.namedParameters().map(\.0) == [
                "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"
            ])
        #expect(gru.weightIH[1].shape == [12, 4] && gru.weightIH[0].shape == [12, 3])
        let bound = 1 / Float(4).squareRoot()
        #expect(gru.parameters().allSatisfy { $0.scalars.allSatisfy { abs($0) <= bound } })
    }

    @Test func gradcheckEveryLayerKindBothPaths() {
        for fused in [true, false] {
            let rng = RandomGenerator(seed: 5)
            let x = Tensor.normal([3, 2, 3], generator: rng)
            let h0 = Tensor.normal([2, 2, 5], generator: rng)
            let c0 = Tensor.normal([2, 2, 5], generator: rng)
            let lstm = LSTM(inputSize: 3, hiddenSize: 5, numLayers: 2, generator: rng)
            lstm.useFusedKernel = fused
            let l = GradCheck.check([x, h0, c0] + lstm.parameters()) { _ in
                let (out, state) = lstm(x, (h0, c0))
                return Tensor.concat([out.reshaped([-1]), state.h.reshaped([-1]), state.c.reshaped([-1])], axis: 0)
            }
            #expect(l.passed, "LSTM fused \(fused): \(l)")
            let gru = GRU(inputSize: 3, hiddenSize: 5, numLayers: 2, generator: rng)
            gru.useFusedKernel = fused
            let g = GradCheck.check([x, h0] + gru.parameters()) { _ in
                let (out, h) = gru(x, h0)
                return Tensor.concat([out.reshaped([-1]), h.reshaped([-1])], axis: 0)
            }
            #expect(g.passed, "GRU fused \(fused): \(g)")
            for nonlinearity in [RNN.Nonlinearity.tanh, .relu] {
                let rnn = RNN(inputSize: 3, hiddenSize: 5, numLayers: 2, nonlinearity: nonlinearity, generator: rng)
                rnn.useFusedKernel = fused
                let r = GradCheck.check([x, h0] + rnn.parameters(), eps: 1e-3) { _ in
                    let (out, h) = rnn(x, h0)
                    return Tensor.concat([out.reshaped([-1]), h.reshaped([-1])], axis: 0)
                }
                #expect(r.passed, "RNN \(nonlinearity) fused \(fused): \(r)")
            }
        }
    }

    @Test func dropoutOnlyBetweenLayersAndOnlyInTraining() {
        let x = Tensor.normal([4, 2, 3], generator: RandomGenerator(seed: 9))
        let deep = LSTM(inputSize: 3, hiddenSize: 6, numLayers: 2, dropout: 0.5, generator: RandomGenerator(seed: 1))
        #expect(deep(x).output.scalars != deep(x).output.scalars)
        deep.eval()
        let evaluated = deep(x).output.scalars
        let plain = LSTM(inputSize: 3, hiddenSize: 6, numLayers: 2, dropout: 0, generator: RandomGenerator(seed: 1))
        #expect(evaluated == plain(x).output.scalars)
        // One layer: nothing comes after the last layer, so training changes nothing.
        let single = GRU(inputSize: 3, hiddenSize: 6, numLayers: 1, dropout: 0.5)
        let trained = single(x).output.scalars
        single.eval()
        #expect(trained == single(x).output.scalars)
    }

    @Test func highwayMatchesPyTorch() throws {
        let f = try Fixture("highway")
        let layer = Highway(6, layerCount: 2)
        #expect(
            layer.namedParameters().map(\.0) == [
                "layers.0.transform.weight", "layers.0.transform.bias",
                "layers.0.gate.weight", "layers.0.gate.bias",
                "layers.1.transform.weight", "layers.1.transform.bias",
                "layers.1.gate.weight", "layers.1.gate.bias"
            ])
        try f.checkLayer(layer, inputs: [try f("input")]) { [layer($0[0])] }
    }

    @Test func gradcheckHighway() {
        let rng = RandomGenerator(seed: 4)
        let layer = Highway(4, layerCount: 2, gateBias: 0, generator: rng)
        let x = Tensor.normal([3, 4], generator: rng)
        let result = GradCheck.check([x] + layer.parameters(), eps: 1e-3) { _ in layer(x) }
        #expect(result.passed, "\(result)")
    }
}
