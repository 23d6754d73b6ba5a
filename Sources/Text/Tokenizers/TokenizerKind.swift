/// The ways Perplex cuts text into tokens; the raw value is the `--tokenizer` spelling and the
/// `kind` recorded in a run folder's `tokenizer.json`.
public enum TokenizerKind: String, CaseIterable, Codable, Sendable {
    /// Whitespace-separated words and `<eos>` at the end of every line, ids in first-seen order
    /// (the word-LM recipe's `Dictionary`; `WordTokenizer`).
    case word
    /// One token per Unicode scalar, ids in the sorted order of the text's scalars (nanoGPT's
    /// `shakespeare_char`; `CharTokenizer`).
    case char
    /// GPT-2's byte-level byte-pair encoding (`BPETokenizer`).
    case bpe

    /// Whether a loss over this kind's tokens is also worth reporting in bits per character: its
    /// tokens spell the whole text, spaces and line breaks included (a word stream drops the spacing).
    public var spellsWholeText: Bool {
        switch self {
        case .word: false
        case .char, .bpe: true
        }
    }

    /// The spellings, for help texts and errors: "word, char, bpe".
    public static var spellings: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
