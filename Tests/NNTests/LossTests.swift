import NN
import Tensor
import Testing

/// A module-free stand-in so losses can use the layer fixture check.
private final class NoParameters: Module {}

@Suite struct LossTests {
    func check(_ name: String, _ loss: @escaping (Tensor, Fixture) throws -> Tensor) throws {
        let f = try Fixture(name)
        let input = try f("input")
        var failure: Error?
        try f.checkLayer(NoParameters(), inputs: [input]) { inputs in
            do { return [try loss(inputs[0], f)] } catch {
                failure = error
                return [Tensor(0)]
            }
        }
        if let failure { throw failure }
    }

    func targets(_ f: Fixture) throws -> [Int] { try f.indices("input.1").values }

    @Test func crossEntropy() throws {
        try check("loss_cross_entropy_mean") { try Loss.crossEntropy($0, targets: self.targets($1)) }
        try check("loss_cross_entropy_sum") { try Loss.crossEntropy($0, targets: self.targets($1), reduction: .sum) }
        try check("loss_cross_entropy_ignore") { try Loss.crossEntropy($0, targets: self.targets($1), ignoreIndex: 2) }
    }

    @Test func nll() throws {
        try check("loss_nll_mean") { try Loss.nll($0, targets: self.targets($1)) }
        try check("loss_nll_sum_ignore") { try Loss.nll($0, targets: self.targets($1), ignoreIndex: 4, reduction: .sum) }
    }

    @Test func mse() throws {
        try check("loss_mse_mean") { try Loss.mse($0, $1("input.1")) }
        try check("loss_mse_sum") { try Loss.mse($0, $1("input.1"), reduction: .sum) }
    }

    @Test func bceWithLogits() throws {
        try check("loss_bce_with_logits_mean") { try Loss.bceWithLogits($0, $1("input.1")) }
        try check("loss_bce_with_logits_sum") { try Loss.bceWithLogits($0, $1("input.1"), reduction: .sum) }
    }

    @Test func gradcheckEveryLoss() {
        let rng = RandomGenerator(seed: 8)
        let x = Tensor.normal([4, 3], generator: rng)
        let y = Tensor.uniform([4, 3], generator: rng)
        let cases: [(String, ([Tensor]) -> Tensor)] = [
            ("cross-entropy sum", { Loss.crossEntropy($0[0], targets: [0, 2, 1, 1], reduction: .sum) }),
            ("nll", { Loss.nll($0[0].logSoftmax(), targets: [0, 2, 1, 1], ignoreIndex: 1) }),
            ("mse", { Loss.mse($0[0], y) }),
            ("bce", { Loss.bceWithLogits($0[0], y) })
        ]
        for (name, loss) in cases {
            let result = GradCheck.check([x], loss)
            #expect(result.passed, "\(name): \(result)")
        }
    }
}
