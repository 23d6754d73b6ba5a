import NN
import Tensor

/// The optimizer a language-model run updates with, as the recipe's `main.py` chooses it.
public enum TrainOptimizer: String, Codable, Sendable, CaseIterable {
    /// Plain SGD, the learning rate divided by 4 whenever the validation loss does not improve.
    case sgd
    /// `torch.optim.AdamW(model.parameters(), lr=args.lr)` (`--use-optimizer`): PyTorch's
    /// defaults β (0.9, 0.999), ε 1e-8, weight decay 0.01 on every parameter. The recipe anneals
    /// only its SGD's learning rate, so AdamW keeps `--lr` throughout.
    case adamW = "adamw"

    /// Whether the learning rate is divided by 4 when validation does not improve.
    public var annealsOnPlateau: Bool {
        switch self {
        case .sgd: true
        case .adamW: false
        }
    }

    /// The optimizer over `parameters`, at learning rate `lr`.
    public func make(_ parameters: [Tensor], lr: Float) -> any Optimizer {
        switch self {
        case .sgd: SGD(parameters, lr: lr)
        case .adamW: Adam.adamW(parameters, lr: lr)
        }
    }

    /// How `perplex train` names it in messages.
    public var name: String {
        switch self {
        case .sgd: "SGD"
        case .adamW: "AdamW (--use-optimizer)"
        }
    }
}
