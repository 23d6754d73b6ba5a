import Foundation
import Testing

/// Every `perplex` command line in README.md runs as written (placeholders such as DIR and DATA
/// stand for small files the test makes), in README order, in a fresh folder.
@Suite struct ReadmeExamplesTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md")
        .standardized

    /// The `perplex …` lines of the README's sh blocks, continuations joined, comments cut.
    static func commands() throws -> [String] {
        var result: [String] = []
        var inBlock = false
        var pending = ""
        for line in try String(contentsOf: readme, encoding: .utf8).components(separatedBy: "\n") {
            if line.hasPrefix("```") {
                inBlock = line == "```sh"
                continue
            }
            guard inBlock else { continue }
            pending += line.trimmingCharacters(in: .whitespaces)
            if pending.hasSuffix("\\") {
                pending.removeLast()
                continue
            }
            if pending.hasPrefix("perplex ") {
                // A comment starts at a '#' after a space.
                result.append(pending.replacingOccurrences(of: #"\s+#.*$"#, with: "", options: .regularExpression))
            }
            pending = ""
        }
        return result
    }

    /// Splits a command line as a shell would (double quotes group words).
    static func arguments(_ line: String) -> [String] {
        var words: [String] = []
        var word = ""
        var quoted = false
        for character in line {
            if character == "\"" {
                quoted.toggle()
            } else if character == " " && !quoted {
                if !word.isEmpty { words.append(word) }
                word = ""
            } else {
                word.append(character)
            }
        }
        if !word.isEmpty { words.append(word) }
        return Array(words.dropFirst())
    }

    /// The files the README's placeholders name: a word-LM corpus (DIR), labelled sentences (DATA),
    /// plain text for word vectors, and word-similarity pairs.
    static func makeFiles(in folder: URL) throws {
        // Over 90 words, so that t-SNE's default perplexity (30) fits the vocabulary.
        let nouns =
            ["dog", "cat", "company", "market", "king", "queen", "bird", "house", "price", "share"]
            + (0..<90).map { "thing\($0)" }
        let verbs = ["sees", "buys", "likes", "sells", "finds"]
        let adjectives = ["big", "small", "new", "old"]
        var generator = SystemRandomNumberGenerator()
        func sentence(_ i: Int) -> String {
            let a = adjectives[i % 4]
            let n = nouns[(i * 7) % nouns.count]
            let v = verbs[(i * 3) % 5]
            let m = nouns[(i * 3 + 1) % 10]
            return Bool.random(using: &generator) ? "the \(a) \(n) \(v) the \(m)" : "a \(n) \(v) a \(a) \(m) ."
        }
        func write(_ text: String, _ path: String) throws {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: false, encoding: .utf8)
        }
        func lines(_ count: Int, offset: Int = 0) -> String {
            (0..<count).map { sentence($0 + offset) }.joined(separator: "\n") + "\n"
        }
        try write(lines(150), "DIR/train.txt")
        try write(lines(40, offset: 7), "DIR/valid.txt")
        try write(lines(40, offset: 13), "DIR/test.txt")
        func labelled(_ count: Int, classes: Int, offset: Int = 0) -> String {
            (0..<count).map { i in
                let label = (i + offset) % classes
                return "\(label) \(["what is", "who sells", "where is"][label % 3]) the \(nouns[(i * 3 + offset) % 10]) ?"
            }.joined(separator: "\n") + "\n"
        }
        try write(labelled(120, classes: 6), "DATA/TREC.train.all")
        try write(labelled(40, classes: 6, offset: 1), "DATA/TREC.test.all")
        for (name, count) in [
            ("stsa.binary.train", 100), ("stsa.binary.dev", 30), ("stsa.binary.test", 30), ("rt-polarity.all", 100)
        ] {
            try write(labelled(count, classes: 2), "DATA/\(name)")
        }
        try write(lines(600), "corpus.txt")
        try write(lines(300), "a.txt")
        try write(lines(300, offset: 3), "b.txt")
        try write("kings\nmarkets\n", "queries.txt")
        let pairs = "king queen 8.5\ndog cat 7.0\nprice share 5.5\nbird house 1.0\n"
        for name in ["EN-WS-353-ALL.txt", "EN-SIMLEX-999.txt"] { try write(pairs, name) }
    }

    @Test func everyCommandRunsAsWritten() throws {
        let folder = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.makeFiles(in: folder)
        let commands = try Self.commands()
        #expect(commands.count >= 20, "found only \(commands.count) perplex lines in README.md")
        for command in commands {
            let started = Date()
            let result = try CLI.run(Self.arguments(command), in: folder)
            print(String(format: "%6.1f s  %@", Date().timeIntervalSince(started), command))
            #expect(result.status == 0 && !result.crashed, "\(command)\n\(result.stderr)")
        }
    }
}
