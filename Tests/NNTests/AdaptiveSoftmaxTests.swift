import Foundation
import NN
import Tensor
import Testing

@Suite struct AdaptiveSoftmaxTests {
    func module(_ f: Fixture) throws -> AdaptiveLogSoftmaxWithLoss {
        let headOnly = f.name.hasPrefix("adaptive_head") || f.name.hasPrefix("adaptive_bias")
        return headOnly
            ? AdaptiveLogSoftmaxWithLoss(inFeatures: 16, classes: 10, cutoffs: [4], divValue: 4, headBias: true)
            : AdaptiveLogSoftmaxWithLoss(inFeatures: 8, classes: 20, cutoffs: [5, 12], divValue: 2)
    }

    @Test func stateDictNamesAndShapesArePyTorchs() {
        let layer = AdaptiveLogSoftmaxWithLoss(inFeatures: 8, classes: 20, cutoffs: [5, 12], divValue: 2)
        #expect(
            layer.namedTensors().map(\.0) == [
                "head.weight", "tail.0.0.weight", "tail.0.1.weight", "tail.1.0.weight", "tail.1.1.weight"
            ])
        #expect(layer.namedTensors().map(\.1.shape) == [[7, 8], [4, 8], [7, 4], [2, 8], [8, 2]])
        let biased = AdaptiveLogSoftmaxWithLoss(inFeatures: 16, classes: 10, cutoffs: [4], divValue: 4, headBias: true)
        #expect(biased.namedTensors().map(\.0) == ["head.weight", "head.bias", "tail.0.0.weight", "tail.0.1.weight"])
    }

    @Test(arguments: ["adaptive_forward", "adaptive_head_only"])
    func forwardMatchesPyTorch(_ name: String) throws {
        let f = try Fixture(name)
        let layer = try module(f)
        let targets = try f.indices("input.1").values
        try f.checkLayer(layer, inputs: [try f("input")]) { inputs in
            let (output, loss) = layer(inputs[0], targets: targets)
            return [output, loss]
        }
    }

    @Test(arguments: ["adaptive_loss", "adaptive_bias_loss"])
    func fusedLossMatchesPyTorch(_ name: String) throws {
        let f = try Fixture(name)
        let layer = try module(f)
        let targets = try f.indices("input.1").values
        try f.checkLayer(layer, inputs: [try f("input")]) { [layer.loss($0[0], targets: targets)] }
    }

    @Test func logProbabilitiesMatchPyTorch() throws {
        let f = try Fixture("adaptive_log_prob")
        let layer = try module(f)
        try f.checkLayer(layer, inputs: [try f("input")]) { [layer.logProbabilities($0[0])] }
    }

    /// The full distribution sums to one, and its entries at the targets are the forward's output,
    /// so perplexity from `logProbabilities` is exp of the loss.
    @Test func logProbabilitiesAreADistributionAgreeingWithTheLoss() {
        let rng = RandomGenerator(seed: 11)
        let layer = AdaptiveLogSoftmaxWithLoss(inFeatures: 12, classes: 30, cutoffs: [6, 14, 25], divValue: 2, generator: rng)
        let x = Tensor.normal([9, 12], generator: rng)
        let targets = [0, 29, 6, 13, 14, 24, 25, 5, 17]
        let log = layer.logProbabilities(x)
        for r in 0..<9 {
            let total = (0..<30).reduce(0.0) { $0 + Double(Foundation.exp(log.pointer[r * 30 + $1])) }
            #expect(abs(total - 1) < 1e-5)
        }
        let (output, loss) = layer(x, targets: targets)
        for (r, t) in targets.enumerated() { #expect(abs(output.pointer[r] - log.pointer[r * 30 + t]) < 1e-5) }
        #expect(abs(layer.loss(x, targets: targets).item - loss.item) < 1e-5)
        let perplexity = Foundation.exp(
            -targets.enumerated().reduce(0.0) { $0 + Double(log.pointer[$1.offset * 30 + $1.element]) } / 9)
        #expect(abs(perplexity - Foundation.exp(Double(loss.item))) / perplexity < 1e-5)
    }

    @Test func ignoredTargetsDoNotCount() {
        let rng = RandomGenerator(seed: 12)
        let layer = AdaptiveLogSoftmaxWithLoss(inFeatures: 6, classes: 15, cutoffs: [4, 9], divValue: 2, generator: rng)
        let x = Tensor.normal([6, 6], generator: rng)
        let kept = [0, 2, 5]
        let targets = [3, -1, 10, -1, -1, 6]
        let loss = layer.loss(x, targets: targets, ignoreIndex: -1)
        let reference = layer.loss(x.indexSelect(axis: 0, kept), targets: kept.map { targets[$0] })
        #expect(abs(loss.item - reference.item) < 1e-6)
        let (output, forwardLoss) = layer(x, targets: targets, ignoreIndex: -1)
        #expect(abs(forwardLoss.item - reference.item) < 1e-5)
        #expect(output.pointer[1] == 0 && output.pointer[3] == 0)
    }

    @Test func gradientsCheckNumerically() {
        let rng = RandomGenerator(seed: 13)
        let layer = AdaptiveLogSoftmaxWithLoss(
            inFeatures: 5, classes: 12, cutoffs: [3, 7], divValue: 2, headBias: true, generator: rng)
        let x = Tensor.normal([8, 5], generator: rng)
        let targets = [0, 11, 3, 6, 2, 8, -1, 4]
        let tensors = [x] + layer.parameters()
        let fused = GradCheck.check(tensors) { _ in layer.loss(x, targets: targets, ignoreIndex: -1) }
        #expect(fused.passed, "loss: \(fused)")
        let forward = GradCheck.check(tensors) { _ in
            let (output, loss) = layer(x, targets: targets, ignoreIndex: -1)
            return output.sum() * 0.3 + loss
        }
        #expect(forward.passed, "forward: \(forward)")
        let full = GradCheck.check(tensors) { _ in layer.logProbabilities(x) }
        #expect(full.passed, "log_prob: \(full)")
    }

    @Test func badArgumentsAreNamed() {
        func problem(_ cutoffs: [Int], _ div: Float = 4, classes: Int = 100) -> String? {
            AdaptiveLogSoftmaxWithLoss.problem(inFeatures: 64, classes: classes, cutoffs: cutoffs, divValue: div)
        }
        #expect(problem([10, 50]) == nil)
        #expect(problem([50, 10])?.contains("strictly increasing") == true)
        #expect(problem([10, 10])?.contains("strictly increasing") == true)
        #expect(problem([0, 10])?.contains("positive") == true)
        #expect(problem([10, 100])?.contains("below the vocabulary size 100") == true)
        #expect(problem([10, 20, 30, 40], 4)?.contains("no features") == true)
        #expect(problem([10], 0.5)?.contains("--div-value") == true)
    }
}
