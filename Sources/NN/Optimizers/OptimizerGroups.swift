import Tensor

/// Several optimizers stepped together under one learning rate: PyTorch's parameter groups
/// (nanoGPT's AdamW with weight decay on the ≥ 2-D weights only is two `Adam.adamW` groups).
public final class OptimizerGroups: Optimizer {
    public let groups: [any Optimizer]

    public init(_ groups: [any Optimizer]) { self.groups = groups }

    public var parameters: [Tensor] { groups.flatMap(\.parameters) }

    /// The first group's; setting it sets every group's.
    public var learningRate: Float {
        get { groups.first?.learningRate ?? 0 }
        set { for group in groups { group.learningRate = newValue } }
    }

    public func step() { for group in groups { group.step() } }

    /// nanoGPT's `configure_optimizers`: AdamW with decoupled weight decay `weightDecay` on the
    /// parameters of two or more axes (matrices, embeddings) and none on the others (biases, norms).
    public static func adamW(
        _ parameters: [Tensor], lr: Float, betas: (Float, Float), epsilon: Float = 1e-8, weightDecay: Float
    ) -> OptimizerGroups {
        let decayed = parameters.filter { $0.rank >= 2 }
        let plain = parameters.filter { $0.rank < 2 }
        return OptimizerGroups([
            Adam.adamW(decayed, lr: lr, betas: betas, epsilon: epsilon, weightDecay: weightDecay),
            Adam.adamW(plain, lr: lr, betas: betas, epsilon: epsilon, weightDecay: 0)
        ])
    }
}
