import Foundation
import TestSupport
import Testing

/// `perplex tokenizer train` and `encode`: the same ids whatever a file's line endings, and
/// one-line errors for a vocabulary below the bytes, a wrong kind and a missing tokenizer folder.
@Suite struct TokenizerCLITests {
    static let text = "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n"

    @Test(arguments: ["bpe", "char", "word"])
    func trainThenEncodeReadsEveryLineEndingAlike(kind: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var expected: String?
        for (name, bytes) in LineEndings.variants(of: Self.text) {
            let input = dir.appendingPathComponent("\(name).txt").path
            try Data(bytes).write(to: URL(fileURLWithPath: input))
            let folder = dir.appendingPathComponent("tok-\(name)").path
            let size = kind == "bpe" ? ["--vocab-size", "280"] : []
            let trained = try CLI.run(["tokenizer", "train", "--kind", kind, "--input", input, "--out", folder] + size)
            #expect(trained.status == 0, "\(name): \(trained.stderr)")
            let encoded = try CLI.run(["tokenizer", "encode", "--tokenizer", folder, "--input", input])
            #expect(encoded.status == 0, "\(name): \(encoded.stderr)")
            if let expected { #expect(encoded.stdout == expected, "\(name)") } else { expected = encoded.stdout }
        }
    }

    @Test func badRequestsAreOneLineErrors() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("input.txt").path
        try Data(Self.text.utf8).write(to: URL(fileURLWithPath: input))
        let cases: [([String], String)] = [
            (
                ["train", "--input", input, "--vocab-size", "200", "--out", dir.path + "/t"],
                "error: byte-level BPE needs a vocabulary of at least 256 (the 256 bytes), got 200\n"
            ),
            (
                ["train", "--kind", "bytes", "--input", input, "--out", dir.path + "/t"],
                "error: --kind must be one of word, char, bpe, got 'bytes'\n"
            ),
            (
                ["encode", "--tokenizer", dir.path + "/none", "--input", input],
                "error: cannot read tokenizer \(dir.path)/none: no such folder\n"
            )
        ]
        let empty = dir.appendingPathComponent("empty.txt").path
        try Data().write(to: URL(fileURLWithPath: empty))
        for kind in ["char", "word", "bpe"] {
            let result = try CLI.run(
                ["tokenizer", "train", "--kind", kind, "--input", empty, "--out", dir.path + "/e"]
                    + (kind == "bpe" ? ["--vocab-size", "300"] : []))
            #expect(result.stderr == "error: no text to learn a tokenizer from in \(empty)\n", "\(kind): \(result.stderr)")
        }
        for (arguments, message) in cases {
            let result = try CLI.run(["tokenizer"] + arguments)
            #expect(result.status != 0 && result.stderr == message, "\(arguments): \(result.stderr)")
        }
        let chars = dir.appendingPathComponent("chars").path
        _ = try CLI.run(["tokenizer", "train", "--kind", "char", "--input", input, "--out", chars])
        let other = dir.appendingPathComponent("other.txt").path
        try Data("Speak!\nZounds".utf8).write(to: URL(fileURLWithPath: other))
        let result = try CLI.run(["tokenizer", "encode", "--tokenizer", chars, "--input", other])
        #expect(
            result.stderr
                == "error: character '!' (U+0021) at line 1, column 6 of \(other) is not among the tokenizer's 30 characters (also unknown: 'Z' (U+005A))\n"
        )
    }
}
