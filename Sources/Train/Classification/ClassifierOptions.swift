/// The optimizers `perplex classify train --optimizer` offers.
public enum ClassifierOptimizer: String, CaseIterable, Codable, Sendable {
    /// Adam (default learning rate 1e-3).
    case adam
    /// Kim (2014)'s Adadelta: ρ = 0.95, ε = 1e-6 (learning rate 1).
    case adadelta
}

/// Training hyper-parameters of `perplex classify train` (Kim 2014's, with Adam for Adadelta).
public struct ClassifierOptions: Codable, Equatable, Sendable {
    public var optimizer = ClassifierOptimizer.adam
    public var lr: Float = 1e-3
    public var epochs = 10
    /// Kim: mini-batches of 50.
    public var batchSize = 50
    public var seed: UInt64 = 1
    /// Stop after this many epochs without a better dev accuracy (only with a dev set; 0 = never).
    public var patience = 3
    /// Keep the word vectors fixed (Kim's CNN-static): only the layers above them train.
    public var freezeEmbedding = false

    public init() {}

    /// Checks what a user controls; returns a one-line problem or nil.
    public func problem() -> String? {
        if !(lr > 0) || !lr.isFinite { return "--lr must be positive, got \(lr)" }
        if epochs < 1 { return "--epochs must be at least 1, got \(epochs)" }
        if batchSize < 1 { return "--batch-size must be at least 1, got \(batchSize)" }
        if patience < 0 { return "--patience must be non-negative, got \(patience)" }
        return nil
    }
}
