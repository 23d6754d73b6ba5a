import Models
import Tensor

/// The widest beam `beamSearch` takes: every step scores each hypothesis (a forward pass each) and
/// keeps its state.
public let maxBeamWidth = 1000

/// A continuation of a prompt and the natural-log probability the model gives it.
public struct Continuation: Equatable, Sendable {
    /// The words after the prompt (ids).
    public var words: [Int]
    /// Their log-probability given the prompt (a sum over the words).
    public var logProbability: Double

    public init(words: [Int], logProbability: Double) {
        self.words = words
        self.logProbability = logProbability
    }
}

/// The most likely continuation of `count` words after `prompt` (at least one word) that a beam of
/// `width` finds: `width` hypotheses, each with its own copy of the model's state (a stateless
/// model re-reads its context), are each extended by every word, and the `width` best by total
/// log-probability are kept (ties by hypothesis, then word id). Width 1 is greedy decoding. A wider
/// beam usually, but not provably, finds a likelier continuation than greedy; it never looks past
/// `count` words, and `<eos>` is a word like any other.
public func beamSearch(_ model: any LanguageModel, prompt: [Int], count: Int, width: Int) -> Continuation {
    precondition((1...maxBeamWidth).contains(width), "beamSearch: the width must be in 1…\(maxBeamWidth)")
    precondition(!prompt.isEmpty, "beamSearch: the prompt must hold at least one word")
    model.eval()
    return withNoGrad {
        var beams = [
            (
                cursor: ContextReader(model, prompt: prompt, useCache: false),
                continuation: Continuation(words: [], logProbability: 0)
            )
        ]
        for _ in 0..<count {
            var candidates: [(beam: Int, word: Int, score: Double)] = []
            for b in beams.indices {
                let logProbabilities = ContextReader.logProbabilities(beams[b].cursor.nextLogits())
                let score = beams[b].continuation.logProbability
                // Only a beam's own `width` best words can be among the `width` best overall.
                let best = logProbabilities.indices.sorted {
                    logProbabilities[$0] != logProbabilities[$1] ? logProbabilities[$0] > logProbabilities[$1] : $0 < $1
                }
                for word in best.prefix(width) { candidates.append((b, word, score + logProbabilities[word])) }
            }
            candidates.sort { $0.score != $1.score ? $0.score > $1.score : ($0.beam, $0.word) < ($1.beam, $1.word) }
            beams = candidates.prefix(width).map { candidate in
                var next = beams[candidate.beam]
                next.cursor.append(candidate.word)
                next.continuation.words.append(candidate.word)
                next.continuation.logProbability = candidate.score
                return next
            }
        }
        return beams[0].continuation
    }
}
