import Tensor
import Testing

/// The fused multi-layer LSTM (`Tensor.lstmStack`): central differences through every output
/// (sequence, final h and c of each layer) with dropout masks between layers, and bit-identical
/// results whether each layer's hidden units are split between two threads or run on one.
@Suite struct LSTMStackTests {
    private static func arguments(layers: Int, hidden: Int, input: Int, steps: Int, batch: Int, seed: UInt64)
        -> (tensors: [Tensor], masks: [Tensor])
    {
        let rng = RandomGenerator(seed: seed)
        let x = Tensor.normal([steps, batch, input], generator: rng)
        let wih = (0..<layers).map { l in Tensor.normal([4 * hidden, l == 0 ? input : hidden], std: 0.5, generator: rng) }
        let whh = (0..<layers).map { _ in Tensor.normal([4 * hidden, hidden], std: 0.5, generator: rng) }
        let bih = (0..<layers).map { _ in Tensor.normal([4 * hidden], generator: rng) }
        let bhh = (0..<layers).map { _ in Tensor.normal([4 * hidden], generator: rng) }
        let h0 = (0..<layers).map { _ in Tensor.normal([batch, hidden], generator: rng) }
        let c0 = (0..<layers).map { _ in Tensor.normal([batch, hidden], generator: rng) }
        let masks = (0..<(layers - 1)).map { _ in
            Tensor(shape: [steps, batch, hidden], (0..<(steps * batch * hidden)).map { _ in rng.nextFloat() < 0.7 ? 1 / 0.7 : 0 })
        }
        return ([x] + wih + whh + bih + bhh + h0 + c0, masks)
    }

    private static func run(_ i: [Tensor], layers: Int, masks: [Tensor], parallel: Bool) -> Tensor {
        let l = layers
        let (out, hs, cs) = Tensor.lstmStack(
            i[0], weightsIH: Array(i[1...l]), weightsHH: Array(i[(l + 1)...(2 * l)]),
            biasesIH: Array(i[(2 * l + 1)...(3 * l)]), biasesHH: Array(i[(3 * l + 1)...(4 * l)]),
            h0: Array(i[(4 * l + 1)...(5 * l)]), c0: Array(i[(5 * l + 1)...(6 * l)]),
            dropoutMasks: masks, parallel: parallel)
        return Tensor.concat([out.reshaped([-1])] + hs.map { $0.reshaped([-1]) } + cs.map { $0.reshaped([-1]) }, axis: 0)
    }

    @Test(arguments: [(2, 5), (3, 9)])
    func gradcheckEveryOutput(layers: Int, hidden: Int) {
        let (inputs, masks) = Self.arguments(layers: layers, hidden: hidden, input: 3, steps: 4, batch: 2, seed: UInt64(hidden))
        let result = GradCheck.check(inputs) { i in Self.run(i, layers: layers, masks: masks, parallel: true) }
        #expect(result.passed, "\(result)")
    }

    @Test func splitUnitsMatchSerialBitForBit() {
        let (inputs, masks) = Self.arguments(layers: 3, hidden: 16, input: 7, steps: 9, batch: 6, seed: 5)
        var values: [[Float]] = []
        var grads: [[[Float]]] = []
        for parallel in [false, true, false, true] {
            for t in inputs {
                t.requiresGrad = true
                t.grad = nil
            }
            let y = Self.run(inputs, layers: 3, masks: masks, parallel: parallel)
            let w = Tensor.uniform(y.shape, low: -1, high: 1, generator: RandomGenerator(seed: 3))
            (y * w).sum().backward()
            values.append(y.scalars)
            grads.append(inputs.map { $0.grad?.scalars ?? [] })
        }
        for k in 1..<values.count {
            #expect(values[k] == values[0])
            #expect(grads[k] == grads[0])
        }
    }

    /// The op keeps what its backward reads: masks (and the dropped-out inputs) that the caller
    /// drops right after the forward, and whose recycled buffers are then overwritten, change nothing.
    @Test func backwardDoesNotNeedTheCallerToKeepTheMasks() {
        let (inputs, masks) = Self.arguments(layers: 2, hidden: 64, input: 8, steps: 8, batch: 32, seed: 9)
        func gradients(keepMasks: Bool) -> [[Float]] {
            for t in inputs {
                t.requiresGrad = true
                t.grad = nil
            }
            var y: Tensor
            if keepMasks {
                y = Self.run(inputs, layers: 2, masks: masks, parallel: true)
            } else {
                let copies = masks.map { $0.copy() }
                y = Self.run(inputs, layers: 2, masks: copies, parallel: true)
            }
            // Reuse any freed buffer of the masks' size and fill it with NaN.
            let junk = (0..<4).map { _ in Tensor(shape: masks[0].shape, [Float](repeating: .nan, count: masks[0].count)) }
            let w = Tensor.uniform(y.shape, low: -1, high: 1, generator: RandomGenerator(seed: 3))
            (y * w).sum().backward()
            withExtendedLifetime(junk) {}
            return inputs.map { $0.grad?.scalars ?? [] }
        }
        #expect(gradients(keepMasks: false) == gradients(keepMasks: true))
    }

    /// Against the single-layer op stacked by hand (no dropout), with an input that is itself the
    /// result of an op (as the embedding's output is in the language model).
    @Test func matchesSingleLayerOpsStacked() {
        let (inputs, _) = Self.arguments(layers: 2, hidden: 12, input: 6, steps: 5, batch: 7, seed: 13)
        let l = 2
        func grads(_ stacked: Bool) -> ([Float], [[Float]]) {
            for t in inputs {
                t.requiresGrad = true
                t.grad = nil
            }
            let x = inputs[0] * 3
            var y: Tensor
            if stacked {
                var i = inputs
                i[0] = x
                y = Self.run(i, layers: l, masks: [], parallel: true)
            } else {
                var input = x
                var hs: [Tensor] = []
                var cs: [Tensor] = []
                for k in 0..<l {
                    let xp = Tensor.linear(input, weight: inputs[1 + k], bias: inputs[2 * l + 1 + k] + inputs[3 * l + 1 + k])
                    let (out, cell) = Tensor.lstmSequence(
                        inputProjection: xp, weightHH: inputs[l + 1 + k],
                        h0: inputs[4 * l + 1 + k], c0: inputs[5 * l + 1 + k])
                    hs.append(out.slice(axis: 0, 4..<5).reshaped([-1]))
                    cs.append(cell.reshaped([-1]))
                    input = out
                }
                y = Tensor.concat([input.reshaped([-1])] + hs + cs, axis: 0)
            }
            let w = Tensor.uniform(y.shape, low: -1, high: 1, generator: RandomGenerator(seed: 3))
            (y * w).sum().backward()
            return (y.scalars, inputs.map { $0.grad?.scalars ?? [] })
        }
        let (a, b) = (grads(true), grads(false))
        for (u, v) in zip(a.0, b.0) { #expect(abs(u - v) < 1e-4) }
        for (k, (ga, gb)) in zip(a.1, b.1).enumerated() {
            #expect(ga.count == gb.count, "input \(k)")
            for (u, v) in zip(ga, gb) { #expect(abs(u - v) < 1e-3 * max(1, abs(v)), "input \(k)") }
        }
    }
}
