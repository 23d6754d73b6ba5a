import NN
import Tensor
import Testing

@Suite struct OptimizerTests {
    /// Runs three steps with PyTorch's recorded gradients and compares the parameters.
    func check(_ name: String, _ make: ([Tensor]) -> Optimizer) throws {
        let f = try Fixture(name)
        let params = [try f("param.0").copy(), try f("param.1").copy()]
        for p in params { p.requiresGrad = true }
        let optimizer = make(params)
        for step in 0..<3 {
            for (i, p) in params.enumerated() { p.grad = try f("grad.\(step).\(i)").copy() }
            optimizer.step()
        }
        for (i, p) in params.enumerated() {
            let error = Fixture.worstError(p, try f("after.\(i)"))
            #expect(error <= 1e-5, "\(name) parameter \(i): max error \(error)")
        }
    }

    @Test func sgd() throws {
        try check("optim_sgd") { SGD($0, lr: 0.1) }
        try check("optim_sgd_momentum") { SGD($0, lr: 0.1, momentum: 0.9, dampening: 0.1) }
        try check("optim_sgd_nesterov_wd") { SGD($0, lr: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true) }
    }

    @Test func adam() throws {
        try check("optim_adam") { Adam($0, lr: 0.01) }
        try check("optim_adam_wd") { Adam($0, lr: 0.01, betas: (0.8, 0.9), epsilon: 1e-6, weightDecay: 0.1) }
        try check("optim_adamw") { Adam.adamW($0, lr: 0.01, weightDecay: 0.1) }
    }

    @Test func adadelta() throws {
        try check("optim_adadelta") { Adadelta($0, lr: 1, rho: 0.95, epsilon: 1e-6) }
        try check("optim_adadelta_wd") { Adadelta($0, lr: 0.5, rho: 0.9, epsilon: 1e-4, weightDecay: 0.1) }
    }

    @Test func adagrad() throws {
        try check("optim_adagrad") { Adagrad($0, lr: 0.1, learningRateDecay: 0.01, weightDecay: 0.01, initialAccumulator: 0.1) }
    }

    @Test func clipGradNormMatchesPyTorch() throws {
        let f = try Fixture("clip_grad_norm")
        let params = [Tensor.zeros([4, 3], requiresGrad: true), Tensor.zeros([5], requiresGrad: true)]
        for (i, p) in params.enumerated() { p.grad = try f("grad.\(i)").copy() }
        let norm = clipGradNorm(params, maxNorm: 1.5)
        #expect(abs(norm - (try f("norm")).item) <= 1e-5 * norm)
        for (i, p) in params.enumerated() {
            #expect(Fixture.worstError(p.grad!, try f("clipped.\(i)")) <= 1e-6)
        }
        let small = Tensor.zeros([2], requiresGrad: true)
        small.grad = Tensor(shape: [2], [0.3, 0.4])
        #expect(clipGradNorm([small], maxNorm: 1) == 0.5 && small.grad!.scalars == [0.3, 0.4])
    }

    @Test func stepDecayAndPlateau() {
        let p = Tensor.zeros([1], requiresGrad: true)
        let optimizer = SGD([p], lr: 20)
        var plateau = DivideOnPlateau(factor: 4)
        let improved = [5, 4, 4.5].map { plateau.step(validationLoss: $0, optimizer) }
        #expect(improved == [true, true, false] && optimizer.learningRate == 5)
        var decay = StepDecay(stepSize: 2, gamma: 0.5)
        decay.step(optimizer)
        #expect(optimizer.learningRate == 5)
        decay.step(optimizer)
        #expect(optimizer.learningRate == 2.5)
    }
}
