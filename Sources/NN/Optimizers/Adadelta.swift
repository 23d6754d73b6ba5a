import Tensor

/// Adadelta (Zeiler 2012) with PyTorch's update, the optimizer of Kim (2014) (ρ = 0.95, ε = 1e-6):
/// g += λp; v = ρv + (1-ρ)g²; Δ = √(u + ε) / √(v + ε) · g; u = ρu + (1-ρ)Δ²; p -= lr·Δ.
public final class Adadelta: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let rho: Float, epsilon: Float, weightDecay: Float
    private var squares = StateBuffers(), deltas = StateBuffers()

    public init(_ parameters: [Tensor], lr: Float = 1, rho: Float = 0.9, epsilon: Float = 1e-6, weightDecay: Float = 0) {
        self.parameters = parameters
        learningRate = lr
        self.rho = rho
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public func step() {
        for p in parameters {
            guard let grad = p.grad else { continue }
            let x = p.pointer
            let g = grad.pointer
            let v = squares(p)
            let u = deltas(p)
            for i in 0..<p.count {
                let gi = g[i] + weightDecay * x[i]
                v[i] = rho * v[i] + (1 - rho) * gi * gi
                let delta = (u[i] + epsilon).squareRoot() / (v[i] + epsilon).squareRoot() * gi
                u[i] = rho * u[i] + (1 - rho) * delta * delta
                x[i] -= learningRate * delta
            }
        }
    }
}
