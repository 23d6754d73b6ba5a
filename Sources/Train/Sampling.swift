import Tensor

/// How `generate` picks each next word from the model's logits: softmax(logits / `temperature`)
/// restricted to the `topK` most likely words, then to the nucleus — the fewest most likely words
/// whose probabilities (renormalised after top-k) add up to at least `topP` — and renormalised.
/// `temperature` 0 is greedy: always the most likely word (the first of equal ones). Top-k 1 is
/// greedy too; top-p 1 and a top-k of the whole vocabulary cut nothing, drawing exactly as plain
/// sampling does (one uniform number per word).
public struct Sampling: Equatable, Sendable {
    /// Divides the logits (lower is more conservative); 0: greedy.
    public var temperature: Float
    /// Keep only the k most likely words (nil: all).
    public var topK: Int?
    /// Keep only the nucleus of probability `topP`, in (0, 1] (nil: all).
    public var topP: Float?

    public init(temperature: Float = 1, topK: Int? = nil, topP: Float? = nil) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
    }

    /// Always the most likely word.
    public static let greedy = Sampling(temperature: 0)

    /// Whether this picks the most likely word (temperature 0).
    public var isGreedy: Bool { temperature == 0 }

    /// A one-line problem with these settings (named by `perplex generate`'s flags), or nil.
    public var problem: String? {
        if !(temperature == 0 || (temperature >= 1e-3 && temperature.isFinite)) {
            return "--temperature must be 0 (greedy) or at least 1e-3, got \(temperature)"
        }
        if let topK, topK < 1 { return "--top-k must be at least 1, got \(topK)" }
        if let topP, !(topP > 0 && topP <= 1) { return "--top-p must be in (0, 1], got \(topP)" }
        if isGreedy, topK != nil || topP != nil {
            return "--temperature 0 is greedy (always the most likely word): --top-k and --top-p would cut nothing"
        }
        return nil
    }

    /// The next word for `logits` ([1, vocabulary]), drawing one number from `generator` unless greedy.
    public func pick(_ logits: Tensor, generator: RandomGenerator) -> Int {
        if isGreedy { return Self.argmax(logits.scalars) }
        var probabilities = (logits / temperature).softmax().scalars
        let vocabulary = probabilities.count
        let k = min(topK ?? vocabulary, vocabulary)
        let p = topP ?? 1
        // Plain sampling unless something is cut: the same draw, word for word.
        var total: Float = 1
        if k < vocabulary || p < 1 {
            let scores = logits.scalars
            // Most likely first; equal logits by word id, so top-k 1 is the greedy word.
            let ranked = (0..<vocabulary).sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
            var kept = Array(ranked.prefix(k))
            if p < 1 {
                let mass = kept.reduce(Float(0)) { $0 + probabilities[$1] }
                var sum: Float = 0
                var count = 0
                while count < kept.count && (count == 0 || sum < p * mass) {
                    sum += probabilities[kept[count]]
                    count += 1
                }
                kept.removeLast(kept.count - count)
            }
            var filtered = [Float](repeating: 0, count: vocabulary)
            for word in kept { filtered[word] = probabilities[word] }
            probabilities = filtered
            total = kept.reduce(Float(0)) { $0 + probabilities[$1] }
        }
        var u = generator.nextFloat() * total
        var word = probabilities.lastIndex { $0 > 0 } ?? vocabulary - 1
        for (index, probability) in probabilities.enumerated() where probability > 0 {
            if u < probability {
                word = index
                break
            }
            u -= probability
        }
        return word
    }

    /// The index of the largest value (the first of equal ones).
    static func argmax(_ values: [Float]) -> Int {
        var best = 0
        for i in values.indices where values[i] > values[best] { best = i }
        return best
    }
}
