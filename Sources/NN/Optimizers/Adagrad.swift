import Tensor

/// Adagrad with PyTorch's options: s += g², p -= lr/(1 + (t-1)·decay) · g / (√s + ε),
/// where g includes L2 weight decay λp.
public final class Adagrad: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let learningRateDecay: Float, weightDecay: Float, initialAccumulator: Float, epsilon: Float
    private var sums = StateBuffers()
    private var steps = 0

    public init(
        _ parameters: [Tensor], lr: Float = 1e-2, learningRateDecay: Float = 0, weightDecay: Float = 0,
        initialAccumulator: Float = 0, epsilon: Float = 1e-10
    ) {
        self.parameters = parameters
        learningRate = lr
        self.learningRateDecay = learningRateDecay
        self.weightDecay = weightDecay
        self.initialAccumulator = initialAccumulator
        self.epsilon = epsilon
    }

    public func step() {
        steps += 1
        let rate = learningRate / (1 + Float(steps - 1) * learningRateDecay)
        for p in parameters {
            guard let grad = p.grad else { continue }
            let x = p.pointer
            let g = grad.pointer
            let s = sums(p, initial: initialAccumulator)
            for i in 0..<p.count {
                let gi = g[i] + weightDecay * x[i]
                s[i] += gi * gi
                x[i] -= rate * gi / (s[i].squareRoot() + epsilon)
            }
        }
    }
}
