import Foundation
import Tensor

/// Adam (Kingma & Ba) with PyTorch's update, optionally with decoupled weight decay (AdamW):
/// m = β₁m + (1-β₁)g, v = β₂v + (1-β₂)g², p -= lr/(1-β₁ᵗ) · m / (√v/√(1-β₂ᵗ) + ε).
/// Plain Adam adds λp to the gradient (L2); AdamW multiplies p by (1 - lr·λ) first.
public final class Adam: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float, decoupled: Bool
    private var m = StateBuffers(), v = StateBuffers()
    /// Steps taken so far (PyTorch's `state["step"]`); the bias corrections depend on it.
    public private(set) var steps = 0

    public init(
        _ parameters: [Tensor], lr: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
        epsilon: Float = 1e-8, weightDecay: Float = 0, decoupledWeightDecay: Bool = false
    ) {
        self.parameters = parameters
        learningRate = lr
        (beta1, beta2) = betas
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        decoupled = decoupledWeightDecay
    }

    /// AdamW: Adam with decoupled weight decay (PyTorch's default λ = 0.01).
    public static func adamW(
        _ parameters: [Tensor], lr: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
        epsilon: Float = 1e-8, weightDecay: Float = 1e-2
    ) -> Adam {
        Adam(parameters, lr: lr, betas: betas, epsilon: epsilon, weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    /// Each parameter's first and second moment estimates (PyTorch's `exp_avg` and `exp_avg_sq`),
    /// in `parameters` order, as copies; zeros for a parameter not yet stepped. With `steps`, the
    /// whole state a checkpoint needs to go on exactly.
    public func moments() -> [(m: Tensor, v: Tensor)] {
        parameters.map { p in (m.buffer(p).copy(), v.buffer(p).copy()) }
    }

    /// Restores the state `steps` and `moments()` describe (one pair per parameter, shapes as the
    /// parameters'); returns a one-line problem, changing nothing, when they do not fit.
    public func restore(steps: Int, moments: [(m: Tensor, v: Tensor)]) -> String? {
        guard steps >= 0 else { return "the step count \(steps) is negative" }
        guard moments.count == parameters.count else {
            return "\(moments.count) moment pairs for \(parameters.count) parameters"
        }
        for (index, (p, pair)) in zip(parameters, moments).enumerated() where pair.m.shape != p.shape || pair.v.shape != p.shape {
            return "the moments of parameter \(index) are \(pair.m.shape) and \(pair.v.shape), the parameter \(p.shape)"
        }
        for (p, pair) in zip(parameters, moments) {
            m(p).update(from: pair.m.pointer, count: p.count)
            v(p).update(from: pair.v.pointer, count: p.count)
        }
        self.steps = steps
        return nil
    }

    public func step() {
        steps += 1
        let correction1 = 1 - Foundation.pow(beta1, Float(steps))
        let correction2Root = (1 - Foundation.pow(beta2, Float(steps))).squareRoot()
        let stepSize = learningRate / correction1
        for p in parameters {
            guard let grad = p.grad else { continue }
            let x = p.pointer
            let g = grad.pointer
            let mp = m(p)
            let vp = v(p)
            for i in 0..<p.count {
                var gi = g[i]
                if decoupled { x[i] *= 1 - learningRate * weightDecay } else { gi += weightDecay * x[i] }
                mp[i] = beta1 * mp[i] + (1 - beta1) * gi
                vp[i] = beta2 * vp[i] + (1 - beta2) * gi * gi
                x[i] -= stepSize * mp[i] / (vp[i].squareRoot() / correction2Root + epsilon)
            }
        }
    }
}
