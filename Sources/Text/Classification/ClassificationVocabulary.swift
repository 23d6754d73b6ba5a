/// Words of a classification training set with the two special tokens first:
/// `<pad>` (id 0) fills short sentences, `<unk>` (id 1) stands for words unseen in training.
public enum ClassificationVocabulary {
    public static let pad = "<pad>", unk = "<unk>"
    public static let padID = 0, unkID = 1

    /// `<pad>`, `<unk>`, then the training words in first-seen order.
    public static func build(from data: LabelledSentences) -> Vocabulary {
        var vocabulary = Vocabulary(words: [pad, unk])
        for example in data.examples { for word in example.tokens { vocabulary.add(word) } }
        return vocabulary
    }

    /// Ids of `tokens`; unseen words become `<unk>`.
    public static func encode(_ tokens: [String], with vocabulary: Vocabulary) -> [Int] {
        tokens.map { vocabulary.id(of: $0) ?? unkID }
    }

    /// Whether `vocabulary` has the special tokens where this type puts them.
    public static func isValid(_ vocabulary: Vocabulary) -> Bool {
        vocabulary.count >= 2 && vocabulary[padID] == pad && vocabulary[unkID] == unk
    }
}
