import Models
import Text

/// `evaluate` with the columns of `stream` split across the ranks of `communicator`: each rank
/// scores its share and the sums are added up, so every rank gets what one process would compute
/// over all columns.
public func evaluate(
    _ model: any LanguageModel, on stream: BatchedStream, bptt: Int,
    communicator: any Communicator
) -> Evaluation {
    let columns = communicator.share(of: stream.batchSize)
    let local = columns.isEmpty ? Evaluation.Sums() : evaluationSums(model, on: stream.columns(columns), bptt: bptt)
    guard communicator.size > 1 else { return Evaluation(sums: local) }
    let total = communicator.allReduceSum([local.loss, Double(local.hits), Double(local.tokens)])
    var sums = Evaluation.Sums()
    (sums.loss, sums.hits, sums.tokens) = (total[0], Int(total[1].rounded()), Int(total[2].rounded()))
    return Evaluation(sums: sums)
}
