import Text

/// A `FrequentTargetCurriculum` over one training text, as `Trainer` applies it: the text's most
/// frequent words (as many as the first stage leaves out, most frequent first) and, per epoch, the
/// table of ids whose positions do not count.
struct ExcludedTargets {
    let curriculum: FrequentTargetCurriculum
    /// Word ids, most frequent in the training text first (ties: the smaller id).
    let ranking: [Int]
    /// Their spellings, for the console.
    let words: [String]
    let vocabularySize: Int

    /// Refuses a first stage that would leave out every word of the training text.
    init(_ curriculum: FrequentTargetCurriculum, corpus: Corpus) throws(TrainError) {
        if let problem = curriculum.problem { throw TrainError(description: problem) }
        let vocabularySize = corpus.vocabulary.count
        let distinct = FrequentTargetCurriculum.mostFrequentWords(
            vocabularySize, in: corpus.train, vocabularySize: vocabularySize)
        if let problem = curriculum.problem(trainingWords: distinct.count) { throw TrainError(description: problem) }
        let ranking = Array(distinct.prefix(curriculum.stages.first?.mostFrequent ?? 0))
        (self.curriculum, self.ranking, self.vocabularySize) = (curriculum, ranking, vocabularySize)
        words = ranking.map { corpus.vocabulary.words[$0] }
    }

    /// The ids epoch `epoch` leaves out, as a table over the vocabulary; nil when every target counts.
    func table(epoch: Int) -> [Bool]? {
        let k = curriculum.mostFrequent(epoch: epoch)
        guard k > 0 else { return nil }
        var table = [Bool](repeating: false, count: vocabularySize)
        for id in ranking.prefix(k) { table[id] = true }
        return table
    }

    /// The console's line when epoch `epoch` starts a stage (or is the first of a run), else nil.
    func notice(epoch: Int, firstOfRun: Bool) -> String? {
        let stage = curriculum.stage(epoch: epoch)
        guard firstOfRun || stage != curriculum.stage(epoch: epoch - 1) else { return nil }
        guard let stage else { return "epoch \(epoch) on: every training target counts (--exclude-frequent \(curriculum) done)" }
        let s = curriculum.stages[stage]
        let last = curriculum.stages[..<(stage + 1)].reduce(0) { $0 + $1.epochs }
        let shown = words.prefix(Swift.min(s.mostFrequent, 12)).joined(separator: " ")
        let epochs = s.epochs == 1 ? "epoch \(last)" : "epochs \(last - s.epochs + 1)–\(last)"
        return
            "stage \(stage + 1) of \(curriculum.stages.count), \(epochs): training leaves out targets among the \(s.mostFrequent) most frequent words (\(shown)\(s.mostFrequent > 12 ? " …" : ""))"
    }
}

extension Trainer {
    /// The targets a batch's loss scores and the factor its mean is scaled by: excluded positions
    /// ignored, and across ranks each rank's mean weighed by its share of the counted positions, so
    /// that the averaged gradient is the mean over every position that counts. `counts` false: no
    /// position counts on any rank (the step is skipped; the loss, zeroed, still runs backward).
    func scoredTargets(_ targets: [Int], excluded: [Bool]?) -> (targets: [Int], factor: Float, counts: Bool) {
        guard let excluded else { return (targets, 1, true) }
        let (masked, counted) = FrequentTargetCurriculum.masking(targets, excluded: excluded)
        let total = communicator.size > 1 ? Int(communicator.allReduceSum([Double(counted)])[0]) : counted
        // With nothing to score here the unmasked loss times 0 gives the zero gradient every rank must add.
        guard total > 0 else { return (targets, 0, false) }
        guard counted > 0 else { return (targets, 0, true) }
        return (masked, Float(communicator.size * counted) / Float(total), true)
    }
}
