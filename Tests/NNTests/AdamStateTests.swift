import NN
import Tensor
import Testing

/// AdamW's state (step count and moments) taken out and put back: a run resumed from it goes on
/// exactly as the uninterrupted one, on PyTorch's recorded gradients.
@Suite struct AdamStateTests {
    @Test func aRestoredAdamWGoesOnAsTheUninterruptedOne() throws {
        let f = try Fixture("optim_adamw")
        func parameters() throws -> [Tensor] {
            let params = [try f("param.0").copy(), try f("param.1").copy()]
            for p in params { p.requiresGrad = true }
            return params
        }
        func step(_ optimizer: Adam, _ params: [Tensor], _ index: Int) throws {
            for (i, p) in params.enumerated() { p.grad = try f("grad.\(index).\(i)").copy() }
            optimizer.step()
        }
        let first = try parameters()
        let interrupted = Adam.adamW(first, lr: 0.01, weightDecay: 0.1)
        for index in 0..<2 { try step(interrupted, first, index) }
        #expect(interrupted.steps == 2)
        // A new optimizer over copies of the weights, given the state.
        let second = first.map { p in
            let copy = p.copy()
            copy.requiresGrad = true
            return copy
        }
        let resumed = Adam.adamW(second, lr: 0.01, weightDecay: 0.1)
        #expect(resumed.restore(steps: interrupted.steps, moments: interrupted.moments()) == nil)
        try step(resumed, second, 2)
        for (i, p) in second.enumerated() {
            let error = Fixture.worstError(p, try f("after.\(i)"))
            #expect(error <= 1e-5, "parameter \(i): max error \(error)")
        }
    }

    @Test func stateThatDoesNotFitIsRefusedAndChangesNothing() {
        let p = Tensor.zeros([3], requiresGrad: true)
        let adam = Adam.adamW([p])
        #expect(adam.restore(steps: 1, moments: []) == "0 moment pairs for 1 parameters")
        let wrong = (m: Tensor.zeros([2]), v: Tensor.zeros([3]))
        #expect(adam.restore(steps: 1, moments: [wrong]) == "the moments of parameter 0 are [2] and [3], the parameter [3]")
        #expect(adam.steps == 0 && adam.moments()[0].m.scalars == [0, 0, 0])
    }
}
