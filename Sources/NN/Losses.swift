import Tensor

/// How a loss combines per-element values, as PyTorch's `reduction`.
public enum Reduction: Sendable {
    case mean, sum
}

/// Loss functions with PyTorch's definitions.
public enum Loss {
    /// Softmax cross-entropy of logits [N, C] against class indices (fused, numerically stable).
    /// `mean` divides by the number of rows whose target is not `ignoreIndex`.
    public static func crossEntropy(
        _ logits: Tensor, targets: [Int], ignoreIndex: Int? = nil,
        reduction: Reduction = .mean
    ) -> Tensor {
        let loss = Tensor.crossEntropy(logits: logits, targets: targets, ignoreIndex: ignoreIndex)
        switch reduction {
        case .mean: return loss
        case .sum:
            let used = targets.filter { $0 != ignoreIndex }.count
            return used == 0 ? (logits * 0).sum() : loss * Float(used)
        }
    }

    /// Negative log-likelihood of log-probabilities [N, C]: -x[n, target[n]], reduced.
    public static func nll(
        _ logProbabilities: Tensor, targets: [Int], ignoreIndex: Int? = nil,
        reduction: Reduction = .mean
    ) -> Tensor {
        precondition(
            logProbabilities.rank == 2 && logProbabilities.shape[0] == targets.count,
            "nll: input \(logProbabilities.shape) does not match \(targets.count) targets")
        let classes = logProbabilities.shape[1]
        let used = targets.enumerated().filter { $0.element != ignoreIndex }
        for (_, t) in used { precondition(t >= 0 && t < classes, "nll: target \(t) out of range for \(classes) classes") }
        let picked = logProbabilities.reshaped([-1]).indexSelect(axis: 0, used.map { $0.offset * classes + $0.element })
        let total = -picked.sum()
        return reduction == .sum ? total : total / Float(used.count)
    }

    /// Squared error (x - y)², reduced.
    public static func mse(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        precondition(input.shape == target.shape, "mse: input \(input.shape) and target \(target.shape) differ")
        let difference = input - target
        let squares = difference * difference
        return reduction == .sum ? squares.sum() : squares.mean()
    }

    /// Binary cross-entropy on logits, stable form: max(x, 0) - x·y + log(1 + e^{-|x|}).
    public static func bceWithLogits(_ logits: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        precondition(logits.shape == target.shape, "bceWithLogits: logits \(logits.shape) and target \(target.shape) differ")
        let absolute = logits.relu() + (-logits).relu()
        let values = logits.relu() - logits * target + ((-absolute).exp() + 1).log()
        return reduction == .sum ? values.sum() : values.mean()
    }
}
