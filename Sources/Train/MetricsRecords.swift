import Foundation

/// The lines of a language-model run's metrics.jsonl, one function per `type`. `RunRecorder`
/// writes them as JSON lines and `TensorBoardRecorder` as scalars, so both hold the same numbers.
enum MetricsRecord {
    /// Every `logInterval` batches: the interval's mean training loss.
    static func batch(epoch: Int, batch: Int, lr: Float, msPerBatch: Double, loss: Double) -> [String: Any] {
        [
            "type": "batch", "epoch": epoch, "batch": batch, "lr": Double(lr),
            "ms_per_batch": msPerBatch, "loss": loss, "ppl": perplexity(loss)
        ]
    }

    /// The end of an epoch, after validation. `excludedFrequent`: the epoch's K of a frequent-target
    /// curriculum (its training loss is over the other targets; 0 after the stages), nil without one.
    static func epoch(
        epoch: Int, seconds: Double, trainLoss: Double, validLoss: Double, validAccuracy: Double, lr: Float,
        tokensPerSecond: Double, excludedFrequent: Int? = nil
    ) -> [String: Any] {
        var record: [String: Any] = [
            "type": "epoch", "epoch": epoch, "seconds": seconds, "train_loss": trainLoss,
            "valid_loss": validLoss, "valid_ppl": perplexity(validLoss), "valid_accuracy": validAccuracy,
            "lr": Double(lr), "tokens_per_s": tokensPerSecond
        ]
        if let excludedFrequent { record["excluded_frequent"] = excludedFrequent }
        return record
    }

    /// The test evaluation at the end of a run (`floor`: the corpus' own perplexity, when known).
    static func test(_ test: Evaluation, floor: Double?, interrupted: Bool) -> [String: Any] {
        var record: [String: Any] = [
            "type": "test", "test_loss": test.loss, "test_ppl": test.perplexity,
            "test_accuracy": test.accuracy, "interrupted": interrupted
        ]
        if let floor { record["floor_ppl"] = floor }
        if let bits = test.bitsPerCharacter { record["test_bpc"] = bits }
        return record
    }
}
