import Tensor

/// Batch normalisation over the channel axis 1: each channel is normalised with its mean and
/// biased variance over the batch and all other axes while training, and with the running
/// statistics in evaluation, then scaled by `weight` and shifted by `bias`.
///
/// State-dict names as PyTorch's: `weight`, `bias` (parameters), `running_mean`, `running_var`,
/// `num_batches_tracked` (buffers). The running statistics move by `momentum` towards each
/// batch's mean and *unbiased* variance, as in PyTorch. Use `BatchNorm1d` or `BatchNorm2d`.
public class BatchNorm: Module {
    public let weight: Tensor?
    public let bias: Tensor?
    public let runningMean: Tensor
    public let runningVar: Tensor
    /// A count kept as Float, so it travels in the Float32 state dict like the other buffers.
    public let numBatchesTracked: Tensor
    public let eps: Float
    public let momentum: Float
    let layerName: String
    let ranks: [Int]

    init(_ features: Int, eps: Float, momentum: Float, affine: Bool, name: String, ranks: [Int]) {
        weight = affine ? Init.constant([features], 1) : nil
        bias = affine ? Init.constant([features], 0) : nil
        runningMean = Tensor.zeros([features])
        runningVar = Tensor.ones([features])
        numBatchesTracked = Tensor.zeros([])
        self.eps = eps
        self.momentum = momentum
        layerName = name
        self.ranks = ranks
    }

    override public func ownTensors() -> [(String, Tensor)] {
        var result: [(String, Tensor)] = []
        if let weight { result.append(("weight", weight)) }
        if let bias { result.append(("bias", bias)) }
        return result + [("running_mean", runningMean), ("running_var", runningVar), ("num_batches_tracked", numBatchesTracked)]
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let features = runningMean.count
        precondition(
            ranks.contains(x.rank) && x.shape[1] == features,
            "\(layerName): input \(x.shape) does not match \(features) features (ranks \(ranks), channels on axis 1)")
        if isTraining {
            let perChannel = x.count / features
            let (y, mean, variance) = Tensor.batchNorm(x, weight: weight, bias: bias, eps: eps)
            updateRunningStatistics(mean: mean, variance: variance, count: perChannel)
            return y
        }
        // Evaluation is a fixed affine map per channel; as [N, C, S] the statistics broadcast.
        let (n, s) = (x.shape[0], x.count / Swift.max(x.shape[0] * features, 1))
        let statShape = [1, features, 1]
        let std = (runningVar + eps).sqrt().reshaped(statShape)
        var y = (x.reshaped([n, features, s]) - runningMean.reshaped(statShape)) / std
        if let weight { y = y * weight.reshaped(statShape) }
        if let bias { y = y + bias.reshaped(statShape) }
        return y.reshaped(x.shape)
    }

    /// In place, so that the buffers seen by the state dict are the ones updated.
    private func updateRunningStatistics(mean: [Float], variance: [Float], count: Int) {
        let unbias = Float(count) / Float(count - 1)
        for c in 0..<runningMean.count {
            runningMean.pointer[c] = (1 - momentum) * runningMean.pointer[c] + momentum * mean[c]
            runningVar.pointer[c] = (1 - momentum) * runningVar.pointer[c] + momentum * variance[c] * unbias
        }
        numBatchesTracked.pointer[0] += 1
    }
}

/// Batch normalisation of [N, C] or [N, C, L] over N (and L); PyTorch's `BatchNorm1d`.
public final class BatchNorm1d: BatchNorm {
    public init(_ features: Int, eps: Float = 1e-5, momentum: Float = 0.1, affine: Bool = true) {
        super.init(features, eps: eps, momentum: momentum, affine: affine, name: "BatchNorm1d", ranks: [2, 3])
    }
}

/// Batch normalisation of [N, C, H, W] over N, H and W; PyTorch's `BatchNorm2d`.
public final class BatchNorm2d: BatchNorm {
    public init(_ features: Int, eps: Float = 1e-5, momentum: Float = 0.1, affine: Bool = true) {
        super.init(features, eps: eps, momentum: momentum, affine: affine, name: "BatchNorm2d", ranks: [4])
    }
}
