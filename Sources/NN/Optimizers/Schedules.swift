/// Learning-rate schedules that update an optimizer between epochs.

/// Multiplies the learning rate by `gamma` every `stepSize` epochs (PyTorch's `StepLR`).
public struct StepDecay {
    public let stepSize: Int, gamma: Float
    private var epochs = 0

    public init(stepSize: Int, gamma: Float = 0.1) {
        precondition(stepSize > 0, "StepDecay: step size must be positive")
        self.stepSize = stepSize
        self.gamma = gamma
    }

    /// Call once per finished epoch.
    public mutating func step(_ optimizer: Optimizer) {
        epochs += 1
        if epochs % stepSize == 0 { optimizer.learningRate *= gamma }
    }
}

/// Divides the learning rate by `factor` when the validation loss has not improved for more than
/// `patience` evaluations — the word-LM recipe's "lr /= 4" is `factor: 4, patience: 0`.
public struct DivideOnPlateau {
    public let factor: Float, patience: Int
    public private(set) var best = Float.infinity
    private var badEpochs = 0

    public init(factor: Float = 4, patience: Int = 0) {
        precondition(factor > 1, "DivideOnPlateau: factor must exceed 1")
        self.factor = factor
        self.patience = patience
    }

    /// Records a validation loss; returns true when it is the best so far (time to save a checkpoint).
    @discardableResult
    public mutating func step(validationLoss: Float, _ optimizer: Optimizer) -> Bool {
        if validationLoss < best {
            best = validationLoss
            badEpochs = 0
            return true
        }
        badEpochs += 1
        if badEpochs > patience {
            optimizer.learningRate /= factor
            badEpochs = 0
        }
        return false
    }
}
