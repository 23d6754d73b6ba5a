import NN
import Tensor

/// The input side the n-gram models (NPLM, NGRAM_RNN) share: each position of a BPTT window reads
/// the embeddings of its n − 1 most recent words (the current input word and the n − 2 before it),
/// and the state carries the last n − 2 input rows (`.tokens`, [rows, batch], oldest first), so
/// training over all windows trains on every n-gram of the text. Before the first word of a text
/// the missing context words are zero vectors.
///
/// Returns the embeddings of the carried rows and the window, zero rows first where the carried
/// rows fall short: [n − 2 + seqLen, batch, E], so rows t…t + n − 2 are position t's context;
/// and the state after the window (its last ≤ n − 2 rows of ids).
func ngramEmbeddings(
    _ encoder: Embedding, order: Int, input: [Int], batchSize: Int, state: RecurrentState, model: String
) -> (embedded: Tensor, state: RecurrentState) {
    let carriedRows = order - 2
    guard case .tokens(let previous) = state, previous.count % batchSize == 0, previous.count / batchSize <= carriedRows
    else {
        preconditionFailure("\(model): state \(state) is not the last ≤ \(carriedRows) rows of \(batchSize) token ids")
    }
    let ids = previous + input
    let rows = ids.count / batchSize
    let missing = carriedRows - previous.count / batchSize
    var embedded = encoder(ids, shape: [rows, batchSize])  // [rows, batch, E]
    if missing > 0 {
        let width = embedded.shape[2]
        embedded = Tensor.concat([Tensor.zeros([missing, batchSize, width]), embedded], axis: 0)
    }
    return (embedded, .tokens(Array(ids.suffix(Swift.min(rows, carriedRows) * batchSize))))
}
