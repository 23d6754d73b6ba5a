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
        let rule = Rule(
            beta1: beta1, beta2: beta2, epsilon: epsilon, stepSize: learningRate / correction1,
            correction2Root: (1 - Foundation.pow(beta2, Float(steps))).squareRoot(),
            decay: decoupled ? 1 - learningRate * weightDecay : nil, l2: weightDecay)
        for p in parameters {
            guard let grad = p.grad else { continue }
            let (x, g, mp, vp) = (p.pointer, UnsafePointer(grad.pointer), m(p), v(p))
            let count = p.count
            // Large tensors are split over the cores; each element's arithmetic is the same either way.
            let chunks = count >= 1 << 16 ? Parallel.threadCount : 1
            Parallel.forEach(chunks: chunks, serial: chunks == 1) { chunk in
                let range = Parallel.range(of: chunk, chunks: chunks, count: count)
                rule.apply(x + range.lowerBound, g + range.lowerBound, mp + range.lowerBound, vp + range.lowerBound, range.count)
            }
        }
    }

    /// One step's update of one element, written once for eight lanes and for one: the same
    /// operations in the same order, so the vector loop gives the scalar formula's bits.
    private struct Rule {
        let beta1: Float, beta2: Float, epsilon: Float, stepSize: Float, correction2Root: Float
        /// 1 − lr·λ for AdamW's decoupled decay; nil for Adam, which adds `l2`·p to the gradient.
        let decay: Float?
        let l2: Float

        @inline(__always)
        func update<V: SIMD>(_ x: inout V, _ g: V, _ m: inout V, _ v: inout V) where V.Scalar == Float {
            var g = g
            if let decay { x *= decay } else { g += l2 * x }
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            x -= stepSize * m / (v.squareRoot() / correction2Root + epsilon)
        }

        func apply(
            _ x: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
            _ v: UnsafeMutablePointer<Float>, _ count: Int
        ) {
            typealias Lanes = SIMD8<Float>
            func load(_ p: UnsafePointer<Float>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }
            func store(_ value: Lanes, _ p: UnsafeMutablePointer<Float>) {
                UnsafeMutableRawPointer(p).storeBytes(of: value, as: Lanes.self)
            }
            var i = 0
            while i + 8 <= count {
                var (xs, ms, vs) = (load(x + i), load(m + i), load(v + i))
                update(&xs, load(g + i), &ms, &vs)
                store(xs, x + i)
                store(ms, m + i)
                store(vs, v + i)
                i += 8
            }
            while i < count {
                var (xs, ms, vs) = (SIMD2(x[i], 0), SIMD2(m[i], 0), SIMD2(v[i], 0))
                update(&xs, SIMD2(g[i], 0), &ms, &vs)
                (x[i], m[i], v[i]) = (xs[0], ms[0], vs[0])
                i += 1
            }
        }
    }
}
