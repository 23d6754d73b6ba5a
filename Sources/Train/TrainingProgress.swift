import Foundation
import Models
import Tensor

/// Where training stood when a checkpoint was written; saved in its metadata so that
/// `perplex train --resume` can go on from there exactly as the uninterrupted run would have.
public struct TrainingProgress: Codable, Equatable, Sendable {
    /// Epochs finished.
    public var epoch: Int
    /// The learning rate for the next epoch.
    public var lr: Float
    /// The best validation loss so far (nil before the first validation: stopped in epoch 1).
    public var bestValidLoss: Double?
    /// Batches already trained of epoch `epoch + 1` (a run stopped mid-epoch; nil at an epoch's end).
    public var batch: Int?
    /// The random generator's state when the checkpoint was written (dropout masks go on from it).
    public var random: RandomGenerator.State?
    /// Iteration mode (nanoGPT's loop): iterations done; nil for epoch runs.
    public var iteration: Int?
    /// The optimizer trained with (nil: SGD, as checkpoints written before AdamW say).
    public var optimizer: TrainOptimizer?
    /// AdamW's step count (its moments travel as the checkpoint's training-state tensors).
    public var optimizerSteps: Int?
    /// The frequent-target curriculum trained with (`--exclude-frequent`; nil: none), which a
    /// resumed run goes on with, in the stage of its epoch.
    public var excludeFrequent: FrequentTargetCurriculum?

    public init(epoch: Int, lr: Float, bestValidLoss: Double?, batch: Int? = nil, random: RandomGenerator.State? = nil) {
        (self.epoch, self.lr, self.bestValidLoss) = (epoch, lr, bestValidLoss)
        (self.batch, self.random) = (batch, random)
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
