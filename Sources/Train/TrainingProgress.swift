import Foundation
import Models

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

extension TrainingProgress {
    /// The checkpoint metadata key the progress travels under.
    public static let metadataKey = "perplex.training"

    /// The progress as checkpoint metadata (sorted JSON keys: one state, one byte sequence).
    public var metadata: [String: String] {
        guard let json = try? Checkpoint.sortedJSON.encode(self) else { return [:] }
        return [Self.metadataKey: String(decoding: json, as: UTF8.self)]
    }

    /// The progress a checkpoint's metadata records, or nil (a file written by PyTorch has none).
    public init?(metadata: [String: String]) {
        guard let json = metadata[Self.metadataKey],
            let progress = try? JSONDecoder().decode(TrainingProgress.self, from: Data(json.utf8))
        else { return nil }
        self = progress
    }
}
