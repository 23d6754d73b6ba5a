import PropertyBased
import TestSupport
import Testing
import Text

/// The hand-written GPT-2 pattern against pieces worked out by hand from the pattern.
@Suite struct GPT2PreTokenizerTests {
    @Test(arguments: [
        ("Hello world", ["Hello", " world"]),
        (
            "I'm don't we'll they've she'd you're it's",
            ["I", "'m", " don", "'t", " we", "'ll", " they", "'ve", " she", "'d", " you", "'re", " it", "'s"]
        ),
        ("'S 's", ["'", "S", " '", "s"]),
        ("a   b", ["a", "  ", " b"]),
        ("trailing  ", ["trailing", "  "]),
        ("abc 123 4x 3.14", ["abc", " 123", " 4", "x", " 3", ".", "14"]),
        ("Hi!! (ok).", ["Hi", "!!", " (", "ok", ")."]),
        ("line\nnext\n\nend\n", ["line", "\n", "next", "\n", "\n", "end", "\n"]),
        (" \n hello", [" \n", " hello"]),
        ("a\tb \t c", ["a", "\t", "b", " \t", " c"]),
        ("café über 日本語です", ["café", " über", " 日本語です"]),
        ("x² e\u{301}", ["x", "²", " e", "\u{301}"]),
        ("  ", ["  "]),
        ("", [])
    ])
    func piecesFollowThePattern(text: String, pieces: [String]) {
        #expect(GPT2PreTokenizer.pieces(of: text) == pieces)
    }

    @Test func piecesCoverAnyText() async {
        await propertyCheck(count: 300, input: RandomText.lfText()) { text in
            let pieces = GPT2PreTokenizer.pieces(of: text)
            #expect(pieces.joined() == text)
            #expect(!pieces.contains(""))
        }
    }
}
