import Tensor
import Testing

/// The fused decoder + cross-entropy against the two ops it replaces, and against central differences.
@Suite struct LinearCrossEntropyTests {
    let rng = RandomGenerator(seed: 53)

    @Test func gradientsMatchCentralDifferences() {
        let x = Tensor.normal([5, 3], generator: rng)
        let weight = Tensor.normal([7, 3], generator: rng)
        let bias = Tensor.normal([7], generator: rng)
        let targets = [0, 6, 3, 3, 1]
        // GradCheck weights the (scalar) output, so the upstream gradient is not 1 here.
        let result = GradCheck.check([x, weight, bias]) {
            Tensor.linearCrossEntropy($0[0], weight: $0[1], bias: $0[2], targets: targets)
        }
        #expect(result.passed, "\(result)")
    }

    /// 70 rows over 130 classes take the packed product and two 64-row blocks; 9 rows over 7
    /// classes take sgemm. Some rows are ignored, and the upstream gradient is 3.
    @Test(arguments: [(70, 130, true), (9, 7, true), (70, 130, false)])
    func matchesLinearThenCrossEntropy(rows: Int, classes: Int, withBias: Bool) {
        let features = 8
        let x = Tensor.normal([rows, features], generator: rng)
        let weight = Tensor.normal([classes, features], std: 0.5, generator: rng)
        let bias = withBias ? Tensor.normal([classes], generator: rng) : nil
        let targets = (0..<rows).map { $0 % 5 == 2 ? -100 : ($0 * 37) % classes }
        let copies = [x, weight] + (bias.map { [$0] } ?? [])
        let fusedInputs = copies.map { t -> Tensor in
            let c = t.detach()
            c.requiresGrad = true
            return c
        }
        let plainInputs = copies.map { t -> Tensor in
            let c = t.detach()
            c.requiresGrad = true
            return c
        }

        let fused = Tensor.linearCrossEntropy(
            fusedInputs[0], weight: fusedInputs[1], bias: withBias ? fusedInputs[2] : nil,
            targets: targets, ignoreIndex: -100)
        let logits = Tensor.linear(plainInputs[0], weight: plainInputs[1], bias: withBias ? plainInputs[2] : nil)
        let plain = Tensor.crossEntropy(logits: logits, targets: targets, ignoreIndex: -100)
        #expect(abs(fused.item - plain.item) < 1e-5 * Swift.max(1, abs(plain.item)))
        (fused * 3).backward()
        (plain * 3).backward()
        for (a, b) in zip(fusedInputs, plainInputs) {
            let (ga, gb) = (a.grad?.scalars ?? [], b.grad?.scalars ?? [])
            #expect(ga.count == a.count && gb.count == b.count)
            let worst = zip(ga, gb).map { abs($0 - $1) }.max() ?? 0
            #expect(worst < 1e-5, "gradient of \(a.shape) differs by \(worst)")
        }
    }

    @Test func withoutGradientsGivesTheLossAlone() {
        let x = Tensor.normal([6, 4], generator: rng)
        let weight = Tensor.normal([9, 4], generator: rng)
        let targets = [1, 2, 3, 4, 5, 6]
        let fused = withNoGrad { Tensor.linearCrossEntropy(x, weight: weight, bias: nil, targets: targets) }
        let plain = Tensor.crossEntropy(logits: Tensor.linear(x, weight: weight), targets: targets)
        #expect(abs(fused.item - plain.item) < 1e-6)
        #expect(fused.gradFnName == nil)
    }
}
