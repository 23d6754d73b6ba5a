import ArgumentParser
import Foundation
import Tensor

/// `perplex demo`: a small end-to-end training run on built-in data, exercising the engine
/// (linear layers, tanh, dropout, cross-entropy, backward, SGD) until the LM recipe lands.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a small classifier on built-in spiral data (an engine smoke run).")

    @Option(parsing: .unconditional, help: "Training steps.") var steps = 2000
    @Option(parsing: .unconditional, help: "Hidden units.") var hidden = 64
    @Option(parsing: .unconditional, help: "Learning rate.") var lr: Float = 0.5
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1

    func validate() throws {
        guard steps > 0, hidden > 0, lr > 0, lr.isFinite else {
            throw ValidationError("--steps, --hidden and --lr must be positive")
        }
    }

    /// Three interleaved spirals in the plane, one class each (the classic CS231n toy set).
    static func spirals(pointsPerClass: Int, rng: RandomGenerator) -> (Tensor, [Int]) {
        var xs: [Float] = []
        var labels: [Int] = []
        for c in 0..<3 {
            for i in 0..<pointsPerClass {
                let r = Float(i) / Float(pointsPerClass)
                let angle = Float(c) * 4 + r * 4 + Float(rng.nextNormal()) * 0.2
                xs += [r * sin(angle), r * cos(angle)]
                labels.append(c)
            }
        }
        return (Tensor(shape: [labels.count, 2], xs), labels)
    }

    func run() throws {
        let rng = RandomGenerator(seed: seed)
        let (x, labels) = Self.spirals(pointsPerClass: 100, rng: rng)
        let bound1 = 1 / Float(2).squareRoot()
        let bound2 = 1 / Float(hidden).squareRoot()
        let params = [
            Tensor.uniform([hidden, 2], low: -bound1, high: bound1, generator: rng, requiresGrad: true),
            Tensor.uniform([hidden], low: -bound1, high: bound1, generator: rng, requiresGrad: true),
            Tensor.uniform([3, hidden], low: -bound2, high: bound2, generator: rng, requiresGrad: true),
            Tensor.uniform([3], low: -bound2, high: bound2, generator: rng, requiresGrad: true)
        ]
        func logits(training: Bool) -> Tensor {
            let h = Tensor.linear(x, weight: params[0], bias: params[1]).tanh()
                .dropout(p: 0.1, training: training, generator: rng)
            return Tensor.linear(h, weight: params[2], bias: params[3])
        }
        print("| spirals: \(labels.count) points, 3 classes | MLP 2 → \(hidden) → 3 | SGD lr \(lr)")
        let start = Date()
        for step in 1...steps {
            let loss = Tensor.crossEntropy(logits: logits(training: true), targets: labels)
            loss.backward()
            withNoGrad {
                for p in params {
                    if let g = p.grad { Kernels.axpy(-lr, g.pointer, p.pointer, p.count) }
                    p.zeroGrad()
                }
            }
            if step % max(1, steps / 10) == 0 || step == steps {
                let predictions = withNoGrad { logits(training: false) }
                let correct = (0..<labels.count).filter { row in
                    let scores = (0..<3).map { predictions[row, $0] }
                    return scores.firstIndex(of: scores.max()!) == labels[row]
                }.count
                print(
                    String(
                        format: "| step %5d | loss %.4f | train accuracy %.1f%%", step, loss.item,
                        100 * Double(correct) / Double(labels.count)))
            }
        }
        print(String(format: "| done in %.2f s", Date().timeIntervalSince(start)))
    }
}
