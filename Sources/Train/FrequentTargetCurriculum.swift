/// Frequent targets left out first (`--exclude-frequent K:E,…`; report 004, problem 3): in stage s
/// training leaves out every position whose target is one of the K_s most frequent words of the
/// training text, for E_s epochs, K shrinking from stage to stage (10, 5, 2 in the report); after
/// the stages every position counts again. Plain SGD on a word LM can sit for epochs on the unigram
/// plateau (always predicting the commonest words, 6–7 % accuracy); without them as targets the
/// model must tell the rarer words apart first.
///
/// Left-out positions are ignored targets of the loss (`Tensor.linearCrossEntropy`'s
/// `ignoreIndex`), not cut from the text: every model kind reads the same windows and carries its
/// state across them as it always does, the excluded words still appear as inputs, and the loss
/// is the mean over the positions that count. Validation and test score every position.
///
/// Not `Curriculum` (`--curriculum`), which grows the BPTT window; the two combine. Stages are
/// counted from the first epoch of the run (a resumed run goes on in the stage of its epoch); a
/// run with fewer `--epochs` than the stages take ends inside them.
///
///     10:2,5:2,2:2  →  epochs 1–2 exclude the 10 most frequent words, 3–4 the 5, 5–6 the 2,
///                      7 on none
public struct FrequentTargetCurriculum: Equatable, Sendable, CustomStringConvertible {
    public struct Stage: Equatable, Sendable {
        /// K: targets among the K most frequent training words do not count.
        public var mostFrequent: Int
        /// How many epochs the stage lasts.
        public var epochs: Int

        public init(mostFrequent: Int, epochs: Int) { (self.mostFrequent, self.epochs) = (mostFrequent, epochs) }
    }

    public var stages: [Stage]

    public init(stages: [Stage]) { self.stages = stages }

    /// Reads `K:EPOCHS` stages separated by commas (`10:2,5:2,2:2`) and checks them (`problem`).
    public init(parsing text: String) throws(TrainError) {
        var stages: [Stage] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 2, let k = Int(fields[0]), let epochs = Int(fields[1]) else {
                throw TrainError(
                    description:
                        "--exclude-frequent \(text): give K:EPOCHS stages separated by commas, K shrinking (e.g. 10:2,5:2,2:2)")
            }
            stages.append(Stage(mostFrequent: k, epochs: epochs))
        }
        self.init(stages: stages)
        if let problem { throw TrainError(description: problem) }
    }

    /// The stages as `--exclude-frequent` spells them (`10:2,5:2,2:2`).
    public var description: String { stages.map { "\($0.mostFrequent):\($0.epochs)" }.joined(separator: ",") }

    /// What the stages alone make impossible, one line, or nil: no stage, K below 1, an epoch
    /// count outside 1…`TrainOptions.Limits.epochs`, or K not shrinking from stage to stage
    /// (refused: a growing K would bring back words training already scored and is almost surely a
    /// typo for the report's order). K against the vocabulary is `problem(trainingWords:)`'s.
    public var problem: String? {
        guard !stages.isEmpty else { return "--exclude-frequent needs at least one K:EPOCHS stage" }
        for (i, stage) in stages.enumerated() {
            let name = "--exclude-frequent \(self): stage \(i + 1) (\(stage.mostFrequent):\(stage.epochs))"
            if stage.mostFrequent < 1 { return "\(name) excludes no word; K must be at least 1" }
            if stage.epochs < 1 { return "\(name) lasts no epoch; a stage's epochs must be at least 1" }
            if stage.epochs > TrainOptions.Limits.epochs {
                return "\(name): a stage's epochs must be at most \(TrainOptions.Limits.epochs)"
            }
            if i > 0, stage.mostFrequent >= stages[i - 1].mostFrequent {
                return "\(name): K must shrink from stage to stage (\(stages[i - 1].mostFrequent), then fewer)"
            }
        }
        return nil
    }

    /// The problem with excluding the first stage's K of a training text of `trainingWords`
    /// distinct words, or nil: K must leave at least one word to predict.
    public func problem(trainingWords: Int) -> String? {
        guard let k = stages.first?.mostFrequent, k >= trainingWords else { return nil }
        return
            "--exclude-frequent \(self): K \(k) must be below the \(trainingWords) distinct words of the training text (none would be left to predict)"
    }

    /// The epochs the stages take together (at most `stages.count · TrainOptions.Limits.epochs`).
    public var epochs: Int { stages.reduce(0) { $0 + $1.epochs } }

    /// The stage (0-based) epoch `epoch` (1-based) trains in, or nil once the stages are done.
    public func stage(epoch: Int) -> Int? {
        var end = 0
        for (i, stage) in stages.enumerated() {
            end += stage.epochs
            if epoch <= end { return i }
        }
        return nil
    }

    /// K of epoch `epoch` (1-based): its stage's, 0 (every target counts) after the stages.
    public func mostFrequent(epoch: Int) -> Int { stage(epoch: epoch).map { stages[$0].mostFrequent } ?? 0 }

    /// The target id the loss ignores (`ignoreIndex`) in place of an excluded one.
    public static let ignoredTarget = -1

    /// The ids of the `count` most frequent tokens of `tokens` (ids in 0..<`vocabularySize`; others
    /// are not counted), most frequent first, ties to the smaller id; fewer when fewer ids occur.
    public static func mostFrequentWords(_ count: Int, in tokens: some Collection<Int>, vocabularySize: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: Swift.max(0, vocabularySize))
        for t in tokens where t >= 0 && t < counts.count { counts[t] += 1 }
        let occurring = counts.indices.filter { counts[$0] > 0 }
        return Array(occurring.sorted { (counts[$0], $1) > (counts[$1], $0) }.prefix(Swift.max(0, count)))
    }

    /// `targets` with every id that `excluded` marks (a table over the vocabulary) replaced by
    /// `ignoredTarget`, and how many targets still count.
    public static func masking(_ targets: [Int], excluded: [Bool]) -> (targets: [Int], counted: Int) {
        var counted = 0
        let masked = targets.map { t in
            if t >= 0 && t < excluded.count && excluded[t] { return ignoredTarget }
            counted += 1
            return t
        }
        return (masked, counted)
    }
}

extension FrequentTargetCurriculum: Codable {
    /// Stored as its `--exclude-frequent` spelling, so config.json and a run's settings read as the flag.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
