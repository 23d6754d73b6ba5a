import Foundation

/// Bits per character: a language model's loss over a text in bits for each of its characters,
/// total nats / (characters · ln 2). Unlike per-token perplexity it compares models whose
/// tokenizers differ (char, BPE, word), since every model spells the same characters.
///
/// ```swift
/// // mean cross-entropy 1.2 nats over 1,000 BPE tokens of a 4,000-character text:
/// BitsPerCharacter(meanLoss: 1.2, tokens: 1_000, characters: 4_000).value   // ≈ 0.433
/// ```
public struct BitsPerCharacter: Sendable, Equatable {
    /// The loss summed over all tokens, in nats.
    public var totalNats: Double
    /// Characters of the text (Unicode scalars, as Python's `len` counts them).
    public var characters: Int

    public init(totalNats: Double, characters: Int) {
        self.totalNats = totalNats
        self.characters = characters
    }

    /// From a mean per-token loss (nats) over `tokens` tokens.
    public init(meanLoss: Double, tokens: Int, characters: Int) {
        self.init(totalNats: meanLoss * Double(tokens), characters: characters)
    }

    /// Bits per character; NaN for a text of no characters.
    public var value: Double { characters > 0 ? totalNats / (Double(characters) * M_LN2) : .nan }

    /// Characters of `text` as counted here (Unicode scalars).
    public static func characterCount(of text: String) -> Int { text.unicodeScalars.count }
}
