import Tensor

/// Stochastic gradient descent with optional momentum, dampening, Nesterov and L2 weight decay:
/// d = g + λp; b = μb + (1 - τ)d (b = d on the first step); d = d + μb (Nesterov) or b; p -= lr·d.
public final class SGD: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let momentum: Float, dampening: Float, weightDecay: Float, nesterov: Bool
    private var momentumBuffers = StateBuffers()

    public init(
        _ parameters: [Tensor], lr: Float, momentum: Float = 0, dampening: Float = 0,
        weightDecay: Float = 0, nesterov: Bool = false
    ) {
        precondition(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov needs momentum and no dampening")
        self.parameters = parameters
        learningRate = lr
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }

    public func step() {
        for p in parameters {
            guard let grad = p.grad else { continue }
            let x = p.pointer
            let g = grad.pointer
            let n = p.count
            let lr = learningRate
            if momentum == 0 && weightDecay == 0 {
                Kernels.axpy(-lr, g, x, n)
                continue
            }
            let first = !momentumBuffers.contains(p)
            let b = momentumBuffers(p)
            for i in 0..<n {
                var d = g[i] + weightDecay * x[i]
                if momentum != 0 {
                    b[i] = first ? d : momentum * b[i] + (1 - dampening) * d
                    d = nesterov ? d + momentum * b[i] : b[i]
                }
                x[i] -= lr * d
            }
        }
    }
}
