import Foundation
import NN
import Tensor

/// DS-GA 1008 2019 homework 3, §1.1: `nn.Dropout2d(p)` zeroes whole channels. Perplex's
/// `Dropout2d` on a batch of ones shows which channels went, the scale of the kept ones (inverted
/// dropout: 1/(1 − p) while training, so nothing is rescaled at test time) and the identity in
/// evaluation.
enum Dropout2dExercise {
    static func run(p: Float, seed: UInt64) {
        let (n, c, h, w) = (8, 64, 3, 3)
        let layer = Dropout2d(p, generator: RandomGenerator(seed: seed))
        let y = layer(Tensor.ones([n, c, h, w]))
        let values = y.scalars
        let spatial = h * w
        var dropped = 0
        var wholeChannels = true
        for channel in 0..<(n * c) {
            let slice = Set(values[(channel * spatial)..<((channel + 1) * spatial)])
            if slice == [0] { dropped += 1 } else if slice.count != 1 { wholeChannels = false }
        }
        let kept = Set(values.filter { $0 != 0 })
        let mean = values.reduce(0, +) / Float(values.count)
        print("| Dropout2d(p = \(p)) on ones [\(n), \(c), \(h), \(w)], training, seed \(seed)")
        print(
            "| channels zeroed: \(dropped) of \(n * c) (\(String(format: "%.1f", 100 * Double(dropped) / Double(n * c))) %; p = \(String(format: "%.1f", 100 * Double(p))) %)"
        )
        print("| every channel all zero or all kept: \(wholeChannels ? "yes" : "no")")
        print(
            "| kept values: \(kept.sorted().map { String(format: "%.4f", Double($0)) }.joined(separator: ", ")) (1/(1 − p) = \(String(format: "%.4f", Double(1 / (1 - p)))))"
        )
        print("| mean of the output: \(String(format: "%.4f", Double(mean))) (expectation 1: inverted dropout keeps it)")
        layer.eval()
        let x = Tensor.ones([n, c, h, w])
        print("| evaluation: output is the input unchanged: \(layer(x) === x ? "yes" : "no")")
    }
}
