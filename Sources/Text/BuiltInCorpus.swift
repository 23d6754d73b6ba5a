import Foundation

/// The built-in corpus: English-like sentences from a small probabilistic grammar, generated
/// deterministically from a seed, so training works offline and has a known floor.
///
/// The generator picks each token from an explicit distribution that depends only on the tokens
/// before it, so it knows the exact probability of every token it writes: the corpus' floor
/// perplexity (the best any model can reach) is exp of the mean negative log-probability. Its
/// long-distance dependency is number agreement of the main verb with the subject across an
/// optional relative clause ("the dog that the cats chase runs").
public enum BuiltInCorpus {
    /// A generated split: its lines and the natural log-probability of each token (with `<eos>`).
    public struct Split: Sendable {
        public var lines: [[String]]
        public var logProbabilities: [Double]
        /// exp(-mean log p): the perplexity of the generating process itself on this text.
        public var floorPerplexity: Double {
            Foundation.exp(-logProbabilities.reduce(0, +) / Double(max(logProbabilities.count, 1)))
        }
        public var text: String { lines.map { $0.joined(separator: " ") }.joined(separator: "\n") + "\n" }
    }

    /// Train, valid and test splits of `sentences` lines each (defaults: ~64k/6k/6k tokens) and
    /// the corpus over them.
    public static func make(train: Int = 6_000, valid: Int = 600, test: Int = 600, seed: UInt64 = 1)
        -> (corpus: Corpus, train: Split, valid: Split, test: Split)
    {
        var generator = Generator(seed: seed)
        let splits = [train, valid, test].map { generator.split(sentences: $0) }
        var vocabulary = Vocabulary()
        let ids = splits.map { Corpus.tokenize($0.text, adding: &vocabulary) }
        return (Corpus(vocabulary: vocabulary, train: ids[0], valid: ids[1], test: ids[2]), splits[0], splits[1], splits[2])
    }

    struct Generator {
        var random: SplitMix64
        var logProbabilities: [Double] = []
        var line: [String] = []

        init(seed: UInt64) { random = SplitMix64(seed: seed) }

        mutating func split(sentences: Int) -> Split {
            var lines: [[String]] = []
            logProbabilities = []
            for _ in 0..<sentences {
                line = []
                sentence()
                lines.append(line)
            }
            return Split(lines: lines, logProbabilities: logProbabilities)
        }

        /// Picks a word from groups of (weight, words); within a group, word k has weight 1/(k+1)
        /// (Zipf). Groups must not share words, so the word tells which group was chosen.
        @discardableResult
        mutating func choose(_ groups: [(Double, [String])]) -> String {
            var words: [String] = []
            var weights: [Double] = []
            for (weight, group) in groups where weight > 0 {
                let harmonic = (1...group.count).reduce(0.0) { $0 + 1 / Double($1) }
                for (k, word) in group.enumerated() {
                    words.append(word)
                    weights.append(weight / harmonic / Double(k + 1))
                }
            }
            let total = weights.reduce(0, +)
            var u = random.nextUnit() * total
            var pick = words.count - 1
            for (k, w) in weights.enumerated() {
                if u < w {
                    pick = k
                    break
                }
                u -= w
            }
            logProbabilities.append(Foundation.log(weights[pick] / total))
            if words[pick] != Vocabulary.eos { line.append(words[pick]) }
            return words[pick]
        }

        /// Subject noun phrase, optional relative clause, agreeing verb phrase, optional ending.
        mutating func sentence() {
            let plural = nounPhrase()
            let next = choose([
                (0.3, ["that"]), (0.5, Lexicon.transitive(plural: plural)), (0.2, Lexicon.intransitive(plural: plural))
            ])
            if next == "that" {
                relativeClause(headPlural: plural)
                verbPhrase(verb: choose([(0.7, Lexicon.transitive(plural: plural)), (0.3, Lexicon.intransitive(plural: plural))]))
            } else {
                verbPhrase(verb: next)
            }
            var ending = choose([(0.25, Lexicon.prepositions), (0.15, Lexicon.adverbs), (0.6, [Vocabulary.eos])])
            if Lexicon.prepositions.contains(ending) {
                nounPhrase()
                ending = choose([(0.2, Lexicon.adverbs), (0.8, [Vocabulary.eos])])
            }
            if ending != Vocabulary.eos { choose([(1, [Vocabulary.eos])]) }
        }

        /// Determiner (unless the caller already drew it), up to two adjectives, noun. Returns
        /// whether the noun is plural; "a"/"every" force singular, "these"/"many" plural.
        @discardableResult
        mutating func nounPhrase(after drawn: String? = nil) -> Bool {
            let determiner =
                drawn
                ?? choose([
                    (0.35, Lexicon.singularDeterminers), (0.35, Lexicon.pluralDeterminers),
                    (0.3, Lexicon.neutralDeterminers)
                ])
            let forced: Bool? =
                Lexicon.singularDeterminers.contains(determiner)
                ? false
                : Lexicon.pluralDeterminers.contains(determiner) ? true : nil
            let nouns: [(Double, [String])] =
                forced.map { [(1, $0 ? Lexicon.pluralNouns : Lexicon.singularNouns)] }
                ?? [(0.5, Lexicon.singularNouns), (0.5, Lexicon.pluralNouns)]
            for adjectiveWeight in [0.3, 0.1, 0] {
                let word = choose([(adjectiveWeight, Lexicon.adjectives)] + nouns.map { ($0.0 * (1 - adjectiveWeight), $0.1) })
                if !Lexicon.adjectives.contains(word) { return Lexicon.pluralNouns.contains(word) }
            }
            preconditionFailure("unreachable: the last draw has no adjectives")
        }

        /// After "that": a verb agreeing with the head and its object ("that chases the cat"), or
        /// a noun phrase and a transitive verb agreeing with it ("that the cats chase").
        mutating func relativeClause(headPlural: Bool) {
            let word = choose([(0.5, Lexicon.transitive(plural: headPlural)), (0.5, Lexicon.determiners)])
            if Lexicon.determiners.contains(word) {
                let innerPlural = nounPhrase(after: word)
                choose([(1, Lexicon.transitive(plural: innerPlural))])
            } else {
                nounPhrase()
            }
        }

        /// A transitive verb takes an object noun phrase.
        mutating func verbPhrase(verb: String) {
            if Lexicon.isTransitive(verb) { nounPhrase() }
        }
    }
}

/// The grammar's words (about 330).
enum Lexicon {
    static let singularDeterminers = ["a", "every", "this", "each", "one"]
    static let pluralDeterminers = ["these", "many", "those", "several", "all"]
    static let neutralDeterminers = ["the", "some", "no", "my", "our"]
    static let determiners = singularDeterminers + pluralDeterminers + neutralDeterminers
    static let adjectives = """
        old young big small red green quiet loud happy tired clever brave lazy busy gentle angry strange         famous little tall short dark bright cold warm wild proud shy calm rich poor
        """.split(separator: " ").map(String.init)
    static let nounStems = """
        dog cat bird horse teacher student farmer doctor king queen child friend neighbour artist         writer singer driver baker sailor soldier lawyer pilot painter hunter farmer_ fox wolf bear         rabbit mouse lion tiger monkey cook nurse guard judge poet player dancer traveller stranger         merchant
        """.split(separator: " ").map(String.init)
    static let singularNouns = nounStems
    static let pluralNouns = nounStems.map { stem in
        switch stem {
        case "child": "children"
        case "mouse": "mice"
        case "fox": "foxes"
        case "wolf": "wolves"
        default: stem + "s"
        }
    }
    static let transitiveStems = """
        see chase help follow meet watch call find know love visit admire ignore trust remember         greet push pull teach thank warn praise invite avoid blame
        """.split(separator: " ").map(String.init)
    static let intransitiveStems = "run sleep sing laugh wait smile dance shout rest travel work swim".split(separator: " ").map(
        String.init)
    static func third(_ stem: String) -> String {
        if stem.hasSuffix("ch") || stem.hasSuffix("sh") || stem.hasSuffix("s") { return stem + "es" }
        return stem + "s"
    }
    static let transitiveSingular = transitiveStems.map(third)
    static let intransitiveSingular = intransitiveStems.map(third)
    static let prepositions = ["in", "near", "behind", "under", "with", "beside", "after", "before"]
    static let adverbs = ["today", "again", "quickly", "slowly", "often", "now", "later", "together", "quietly", "happily"]

    static func transitive(plural: Bool) -> [String] { plural ? transitiveStems : transitiveSingular }
    static func intransitive(plural: Bool) -> [String] { plural ? intransitiveStems : intransitiveSingular }
    static let transitiveSet = Set(transitiveStems + transitiveSingular)
    static func isTransitive(_ word: String) -> Bool { transitiveSet.contains(word) }
}
