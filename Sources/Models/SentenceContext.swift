import Text

/// What a recurrent model's decoder reads beside the recurrent output (`--context`; the raw value
/// is the flag's spelling). Report 002's "context" model: the continuous bag of words of the
/// previous sentence, concatenated to the output before the decoder.
public enum SentenceContext: String, CaseIterable, Codable, Sendable {
    /// The recipe's model: the decoder reads the recurrent output alone.
    case none
    /// The mean input embedding of the previous sentence (sentences end at `<eos>`, which belongs
    /// to the sentence it ends; zeros before the first) is concatenated to the recurrent output,
    /// so the decoder reads nhid + emsize features. It and the words of the sentence in progress
    /// travel across BPTT windows with the hidden state.
    case previousSentence = "previous-sentence"

    /// The spellings, for help texts: "none, previous-sentence".
    public static var spellings: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// Features the context adds to the decoder's input of a model with `emsize`-wide embeddings.
    public func width(emsize: Int) -> Int {
        switch self {
        case .none: 0
        case .previousSentence: emsize
        }
    }

    /// The token that ends a sentence.
    public static let sentenceEnd = Vocabulary.eos
}
