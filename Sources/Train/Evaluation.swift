import Foundation
import Models
import Tensor
import Text

/// A model's score on a token stream.
public struct Evaluation: Sendable {
    /// Mean cross-entropy, nats per token.
    public var loss: Double
    /// Share of positions whose target has the highest logit (top-1 next-word accuracy).
    public var accuracy: Double
    /// Positions scored.
    public var tokens: Int
    /// Characters per token of the text scored, for a text read by a char or BPE tokenizer (nil
    /// for words, where bits per character would depend on spacing the corpus already removed).
    public var charactersPerToken: Double?

    public var perplexity: Double { Foundation.exp(Swift.min(loss, 700)) }

    /// The loss in bits per character (see `BitsPerCharacter`), when characters per token are
    /// known: it compares runs whose tokenizers differ.
    public var bitsPerCharacter: Double? { charactersPerToken.map { loss / (M_LN2 * $0) } }

    /// The score from the sums that add up across shards of the columns.
    public init(sums: Sums) {
        tokens = sums.tokens
        loss = sums.tokens > 0 ? sums.loss / Double(sums.tokens) : .nan
        accuracy = sums.tokens > 0 ? Double(sums.hits) / Double(sums.tokens) : .nan
    }

    /// Cross-entropy summed over the scored positions (nats), top-1 hits and positions.
    public struct Sums: Sendable {
        public var loss = 0.0, hits = 0, tokens = 0
        public init() {}
    }
}

/// Loss and accuracy of `model` over `stream`, as the recipe's `evaluate`: eval mode, no
/// gradients, state carried across windows, every position weighted alike.
public func evaluate(_ model: any LanguageModel, on stream: BatchedStream, bptt: Int) -> Evaluation {
    Evaluation(sums: evaluationSums(model, on: stream, bptt: bptt))
}

/// The parts of `evaluate` that add up across shards of the columns.
public func evaluationSums(_ model: any LanguageModel, on stream: BatchedStream, bptt: Int) -> Evaluation.Sums {
    model.eval()
    // Evaluation's shapes (its batch size) differ from training's: hand the cached training
    // buffers back first and the evaluation ones after, so the two working sets never add up.
    BufferCache.empty()
    defer {
        model.train()
        BufferCache.empty()
    }
    // The weights stay put for the whole pass: the fused recurrent ops pack theirs once.
    return FrozenWeights.scope { withNoGrad { passSums(model, on: stream, bptt: bptt) } }
}

/// `evaluationSums`' pass, in eval mode without a graph.
private func passSums(_ model: any LanguageModel, on stream: BatchedStream, bptt: Int) -> Evaluation.Sums {
    var state = model.initialState(batchSize: stream.batchSize)
    var sums = Evaluation.Sums()
    if let adaptive = model.adaptiveSoftmax {
        // The exact full-distribution score: log_prob's rows sum to one, so the cross-entropy
        // of them as logits is −log p(target), and the top-1 hit reads the whole distribution.
        // A few rows at a time: at WikiText-103's 267k words one window's log_prob is 375 MB.
        let rowsAtOnce = Swift.max(1, (1 << 22) / Swift.max(1, model.config.vocabularySize))
        for start in stream.windowStarts(bptt: bptt) {
            let window = stream.batch(at: start, bptt: bptt)
            let forward = model.features(window.input, seqLen: window.seqLen, batchSize: stream.batchSize, state: state)
            let features = forward.features
            for first in stride(from: 0, to: window.target.count, by: rowsAtOnce) {
                let rows = first..<Swift.min(first + rowsAtOnce, window.target.count)
                sums.add(
                    Tensor.crossEntropyTotals(
                        logits: adaptive.logProbabilities(features.slice(axis: 0, rows)),
                        targets: Array(window.target[rows])))
            }
            state = forward.state
        }
        return sums
    }
    // The weights stay put for the whole pass: pack the decoder once, and score its logits
    // chunk by chunk without storing them.
    let decoder = PackedLinear(weight: model.decoder.weight, bias: model.decoder.bias)
    if model.forwardOutweighsScoring {
        // The forward pass splits its products over the cores by itself; overlapping it with
        // the scoring would hold it to one core, the longer of the two.
        for start in stream.windowStarts(bptt: bptt) {
            let window = stream.batch(at: start, bptt: bptt)
            let forward = model.features(window.input, seqLen: window.seqLen, batchSize: stream.batchSize, state: state)
            let scoring = decoder.scoring(forward.features, targets: window.target)
            Parallel.forEach(chunks: scoring.chunks) { scoring.run(chunk: $0) }
            sums.add(scoring.totals())
            state = forward.state
        }
        return sums
    }
    // A pipeline: window i's forward pass runs as one piece of work beside the column chunks
    // of window i − 1's scoring, so whichever thread finishes the forward pass goes on
    // scoring. The forward pass then runs on one thread (the pool is busy), with OpenBLAS
    // held to one thread too; every value is computed as it would be in parallel.
    let savedThreads = BLAS.maxThreads
    BLAS.maxThreads = 1
    defer { BLAS.maxThreads = savedThreads }
    var pending: PackedLinear.Scoring?
    // The pool's threads see neither task-local value: hand both to the forward pass.
    let (precision, frozen) = (Tensor.matrixPrecision, FrozenWeights.current)
    let starts = Array(stream.windowStarts(bptt: bptt))
    for w in 0...starts.count {
        let window = w < starts.count ? stream.batch(at: starts[w], bptt: bptt) : nil
        var forward: (features: Tensor, state: RecurrentState)?
        let scoring = pending
        Parallel.forEach(chunks: 1 + (scoring?.chunks ?? 0)) { chunk in
            if chunk > 0 {
                scoring?.run(chunk: chunk - 1)
                return
            }
            guard let window else { return }
            // Grad mode and the products' precision are per thread or task: this may run on a pool worker.
            forward = FrozenWeights.$current.withValue(frozen) {
                precision.apply {
                    withNoGrad {
                        model.features(window.input, seqLen: window.seqLen, batchSize: stream.batchSize, state: state)
                    }
                }
            }
        }
        if let totals = scoring?.totals() { sums.add(totals) }
        if let window, let forward {
            pending = decoder.scoring(forward.features, targets: window.target)
            state = forward.state
        } else {
            pending = nil
        }
    }
    return sums
}

extension Evaluation.Sums {
    mutating func add(_ totals: (loss: Double, hits: Int, count: Int)) {
        loss += totals.loss
        hits += totals.hits
        tokens += totals.count
    }
}

/// e^loss, the recipe's perplexity (infinite when the loss overflows).
public func perplexity(_ loss: Double) -> Double { Foundation.exp(Swift.min(loss, 700)) }
