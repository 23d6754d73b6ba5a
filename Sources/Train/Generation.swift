import Foundation
import Models
import Tensor
import Text

/// Samples `count` words from `model` after feeding `prompt` (ids), at `temperature`
/// (softmax(logits / T); lower is more conservative), as the recipe's generate.py.
public func generate(
    _ model: any LanguageModel, prompt: [Int], count: Int, temperature: Float,
    generator: RandomGenerator
) -> [Int] {
    precondition(temperature > 0, "generate: temperature must be positive")
    let start = prompt.isEmpty ? [Int(generator.next() % UInt64(model.config.vocabularySize))] : prompt
    var reader = ContextReader(model, prompt: start)
    var output: [Int] = []
    for _ in 0..<count {
        var u = generator.nextFloat()
        let probabilities = reader.next(temperature: temperature)
        var word = probabilities.count - 1
        for (k, p) in probabilities.enumerated() {
            if u < p {
                word = k
                break
            }
            u -= p
        }
        output.append(word)
        reader.append(word)
    }
    return output
}

/// A model reading a growing context one token at a time, for generation: alternately the
/// distribution of the next token (`next`) and the token chosen (`append`).
///
/// Recurrent models carry their state and read only the newest token. A stateless model (the
/// Transformer, GPT) sees at most its last `generationContext` tokens, as nanoGPT's generate crops
/// them: without a cache it re-reads that window every step; with one (`KeyValueCaching`, GPT) it
/// reads only the new token while the window still grows, and once the context outgrows the window
/// the cache is recomputed from the cropped window (every position's embedding moves, so no cached
/// key or value stays valid) — the same distributions as the uncached reading, O(n) per token
/// until the window is full.
public struct ContextReader {
    public let model: any LanguageModel
    public private(set) var context: [Int]
    private var pending: [Int]
    private var state: RecurrentState
    private let cached: (any KeyValueCaching)?
    private var cache: KeyValueCache?

    /// `prompt` is the context so far (at least one token); `useCache` reads through a key/value
    /// cache where the model has one.
    public init(_ model: any LanguageModel, prompt: [Int], useCache: Bool = true) {
        precondition(!prompt.isEmpty, "ContextReader: the prompt is empty")
        self.model = model
        model.eval()
        context = prompt
        state = model.initialState(batchSize: 1)
        cached = useCache ? model as? any KeyValueCaching : nil
        cache = cached?.makeCache(batchSize: 1)
        pending = model.generationContext.map { Array(prompt.suffix($0)) } ?? prompt
    }

    /// softmax(logits / temperature) of the token after the context; call once per `append`.
    public mutating func next(temperature: Float = 1) -> [Float] {
        precondition(!pending.isEmpty, "ContextReader: next() twice without append()")
        let logits: Tensor
        if let cached, let cache {
            logits = cached.logits(pending, seqLen: pending.count, cache: cache)
        } else {
            let (model, pending, state) = (model, pending, state)
            let (all, next) = withNoGrad { model(pending, seqLen: pending.count, batchSize: 1, state: state) }
            (logits, self.state) = (all, next)
        }
        let last = logits.slice(axis: 0, (pending.count - 1)..<pending.count)
        pending = []
        return withNoGrad { (last / temperature).softmax().scalars }
    }

    /// Adds `token` to the context.
    public mutating func append(_ token: Int) {
        context.append(token)
        guard let window = model.generationContext else {
            pending = [token]
            return
        }
        if let cache, cache.count < cache.capacity {
            pending = [token]
        } else {
            pending = Array(context.suffix(window))
            cache = cached?.makeCache(batchSize: 1)
        }
    }
}
