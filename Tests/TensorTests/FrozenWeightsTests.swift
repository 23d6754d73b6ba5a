import Tensor
import Testing

/// `FrozenWeights.scope`: the fused recurrent ops pack a weight once per scope and reuse the copy,
/// with the same results as packing per call; and the forward pass without a graph (evaluation)
/// computes what the recorded one does.
@Suite struct FrozenWeightsTests {
    static func stack(_ x: Tensor, _ w: [Tensor], _ b: [Tensor], _ h0: [Tensor], parallel: Bool) -> [Float] {
        let (out, h, c) = Tensor.lstmStack(
            x, weightsIH: [w[0], w[2]], weightsHH: [w[1], w[3]], biasesIH: [b[0], b[2]], biasesHH: [b[1], b[3]],
            h0: h0, c0: h0, parallel: parallel)
        return out.scalars + h.flatMap(\.scalars) + c.flatMap(\.scalars)
    }

    static func arguments() -> (x: Tensor, w: [Tensor], b: [Tensor], h0: [Tensor]) {
        let rng = RandomGenerator(seed: 17)
        let (hs, input) = (19, 7)
        let x = Tensor.normal([4, 3, input], generator: rng)
        let w = [input, hs, hs, hs].map { Tensor.normal([4 * hs, $0], std: 0.5, generator: rng) }
        let b = (0..<4).map { _ in Tensor.normal([4 * hs], generator: rng) }
        let h0 = (0..<2).map { _ in Tensor.normal([3, hs], generator: rng) }
        return (x, w, b, h0)
    }

    @Test(arguments: [MatrixPrecision.float32, .bfloat16], [false, true])
    func packedOncePerScope(precision: MatrixPrecision, parallel: Bool) {
        let (x, w, b, h0) = Self.arguments()
        Tensor.$matrixPrecision.withValue(precision) {
            let fresh = withNoGrad { Self.stack(x, w, b, h0, parallel: parallel) }
            FrozenWeights.scope {
                let first = withNoGrad { Self.stack(x, w, b, h0, parallel: parallel) }
                #expect(first == fresh)
                // A weight changed inside the scope (which the contract forbids) shows that the
                // second call multiplies by the copies packed in the first.
                let saved = w[3].scalars
                w[3].pointer.update(repeating: 0, count: w[3].count)
                let second = withNoGrad { Self.stack(x, w, b, h0, parallel: parallel) }
                #expect(second == first)
                w[3].pointer.update(from: saved, count: saved.count)
            }
            // Outside the scope every call packs its own.
            w[3].pointer.update(repeating: 0, count: w[3].count)
            let changed = withNoGrad { Self.stack(x, w, b, h0, parallel: parallel) }
            #expect(changed != fresh)
        }
    }

    @Test func forwardWithoutAGraphMatchesTheRecordedOne() {
        let (x, w, b, h0) = Self.arguments()
        for t in w { t.requiresGrad = true }
        let recorded = Self.stack(x, w, b, h0, parallel: true)
        let evaluated = withNoGrad { Self.stack(x, w, b, h0, parallel: true) }
        #expect(recorded.map(\.bitPattern) == evaluated.map(\.bitPattern))
    }

    @Test func gruPackedOncePerScope() {
        let rng = RandomGenerator(seed: 23)
        let (xp, w) = (Tensor.normal([3, 2, 15], generator: rng), Tensor.normal([15, 5], generator: rng))
        let (b, h0) = (Tensor.normal([15], generator: rng), Tensor.normal([2, 5], generator: rng))
        let run = { withNoGrad { Tensor.gruSequence(inputProjection: xp, weightHH: w, biasHH: b, h0: h0).scalars } }
        let fresh = run()
        FrozenWeights.scope {
            #expect(run() == fresh)
            w.pointer.update(repeating: 0, count: w.count)
            #expect(run() == fresh)
        }
        #expect(run() != fresh)
    }
}
