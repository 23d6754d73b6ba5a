import Tensor

/// Channel dropout: while training, zeroes whole channels of [N, C, H, W] (or [N, C, L]) with
/// probability `p` and scales the kept ones by 1/(1-p); the identity in evaluation. Neighbouring
/// activations of a feature map are strongly correlated, so element dropout would barely regularise.
public final class Dropout2d: Module {
    public let p: Float
    let generator: RandomGenerator

    public init(_ p: Float = 0.5, generator: RandomGenerator = .global) {
        precondition(p >= 0 && p <= 1, "Dropout2d: probability \(p) outside [0, 1]")
        self.p = p
        self.generator = generator
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        guard isTraining, p > 0 else { return x }
        precondition(x.rank == 3 || x.rank == 4, "Dropout2d: input \(x.shape) is not [N, C, H, W] or [N, C, L]")
        // One draw per (sample, channel), broadcast over the spatial axes.
        let mask = Tensor(uninitializedShape: [x.shape[0], x.shape[1]] + Array(repeating: 1, count: x.rank - 2))
        let keep = 1 - p
        let scale: Float = p == 1 ? 0 : 1 / keep
        generator.fillMask(mask.pointer, count: mask.count, p: keep, value: scale)
        return x.dropout(mask: mask)
    }
}
