import Foundation
import Models
import Tensor
import Text

/// Samples `count` words from `model` after feeding `prompt` (ids), picking each as `sampling` says
/// (temperature, top-k, top-p; temperature 0 is greedy), as the recipe's generate.py. An empty
/// prompt starts from a word drawn uniformly from the vocabulary. `progress` is told each word's
/// index (0, 1, …, count − 1) once it is sampled.
public func generate(
    _ model: any LanguageModel, prompt: [Int], count: Int, sampling: Sampling, generator: RandomGenerator,
    progress: ((Int) -> Void)? = nil
) -> [Int] {
    precondition(sampling.problem == nil, "generate: \(sampling.problem ?? "")")
    model.eval()
    // The weights stay put while sampling: the fused recurrent ops pack theirs once, not per word.
    return FrozenWeights.scope {
        withNoGrad {
            let start = prompt.isEmpty ? [Int(generator.next() % UInt64(model.config.vocabularySize))] : prompt
            var reader = ContextReader(model, prompt: start)
            var output: [Int] = []
            for index in 0..<count {
                let word = sampling.pick(reader.nextLogits(), generator: generator)
                output.append(word)
                progress?(index)
                reader.append(word)
            }
            return output
        }
    }
}

/// Samples `count` words from `model` after feeding `prompt` (ids), at `temperature`
/// (softmax(logits / T); lower is more conservative; 0: greedy), as the recipe's generate.py.
/// `progress` is told each word's index (0, 1, …, count − 1) once it is sampled.
public func generate(
    _ model: any LanguageModel, prompt: [Int], count: Int, temperature: Float,
    generator: RandomGenerator, progress: ((Int) -> Void)? = nil
) -> [Int] {
    generate(
        model, prompt: prompt, count: count, sampling: Sampling(temperature: temperature), generator: generator,
        progress: progress)
}

/// The natural-log probability `model` gives `continuation` after `prompt` (at least one word):
/// the sum of each word's log-probability given everything before it, read as generation reads
/// (a stateless model sees its latest `generationContext` words), without a key/value cache, as
/// beam search reads, so the two agree to the last bit.
public func logProbability(_ model: any LanguageModel, of continuation: [Int], after prompt: [Int]) -> Double {
    model.eval()
    return withNoGrad {
        var reader = ContextReader(model, prompt: prompt, useCache: false)
        var total = 0.0
        for word in continuation {
            total += ContextReader.logProbabilities(reader.nextLogits())[word]
            reader.append(word)
        }
        return total
    }
}

/// A model reading a growing context one token at a time, for generation: alternately the
/// distribution of the next token (`nextLogits`, `next`) and the token chosen (`append`). A copy
/// read without the cache (`useCache: false`) is an independent hypothesis (beam search): states are
/// replaced, never changed in place; a cache is shared by copies.
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

    /// The logits of the token after the context, [1, vocabulary]; call once per `append`.
    public mutating func nextLogits() -> Tensor {
        precondition(!pending.isEmpty, "ContextReader: nextLogits() twice without append()")
        let logits: Tensor
        if let cached, let cache {
            logits = withNoGrad { cached.logits(pending, seqLen: pending.count, cache: cache) }
        } else {
            let (model, pending, state) = (model, pending, state)
            let (all, next) = withNoGrad { model(pending, seqLen: pending.count, batchSize: 1, state: state) }
            (logits, self.state) = (all, next)
        }
        let last = logits.slice(axis: 0, (pending.count - 1)..<pending.count)
        pending = []
        return last
    }

    /// softmax(logits / temperature) of the token after the context; call once per `append`.
    public mutating func next(temperature: Float = 1) -> [Float] {
        let last = nextLogits()
        return withNoGrad { (last / temperature).softmax().scalars }
    }

    /// log softmax of `logits`, in Double.
    static func logProbabilities(_ logits: Tensor) -> [Double] {
        let values = logits.scalars.map(Double.init)
        let top = values.max() ?? 0
        let logSum = top + Foundation.log(values.reduce(0) { $0 + Foundation.exp($1 - top) })
        return values.map { $0 - logSum }
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
