/// Where training stood when a checkpoint was written; saved in its metadata so that
/// `perplex train --resume` can go on from there.
public struct TrainingProgress: Codable, Equatable, Sendable {
    /// Epochs finished.
    public var epoch: Int
    /// The learning rate for the next epoch.
    public var lr: Float
    /// The validation loss of the saved model (the best so far).
    public var bestValidLoss: Double

    public init(epoch: Int, lr: Float, bestValidLoss: Double) {
        self.epoch = epoch
        self.lr = lr
        self.bestValidLoss = bestValidLoss
    }
}
