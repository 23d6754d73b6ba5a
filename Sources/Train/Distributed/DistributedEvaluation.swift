import Models
import Text

/// Mean cross-entropy of `model` over `stream` with the columns split across the ranks of
/// `communicator`: each rank evaluates its share and the loss sums and token counts are added up,
/// so every rank gets the value one process would compute over all columns.
public func evaluateLoss(_ model: any LanguageModel, on stream: BatchedStream, bptt: Int,
                         communicator: any Communicator) -> Double {
    let columns = communicator.share(of: stream.batchSize)
    let local = columns.isEmpty ? (loss: 0.0, tokens: 0)
        : evaluateLossSum(model, on: stream.columns(columns), bptt: bptt)
    let total = communicator.size == 1 ? [local.loss, Double(local.tokens)]
        : communicator.allReduceSum([local.loss, Double(local.tokens)])
    return total[1] > 0 ? total[0] / total[1] : .nan
}
