import Tensor

/// Zeroes elements with probability `p` while training, scaling the rest by 1/(1-p).
public final class Dropout: Module {
    public let p: Float
    let generator: RandomGenerator

    public init(_ p: Float = 0.5, generator: RandomGenerator = .global) {
        precondition(p >= 0 && p <= 1, "Dropout: probability \(p) outside [0, 1]")
        self.p = p
        self.generator = generator
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.dropout(p: p, training: isTraining, generator: generator) }
}
