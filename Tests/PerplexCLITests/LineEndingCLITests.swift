import Foundation
import TestSupport
import Testing

/// The commands that read text give the same results for LF, CRLF and CR files, with or without a
/// byte-order mark: `sed 's/$/\r/'` once made `ngrams` lose every `<eos>`, `train` report a test
/// perplexity of 1340.68 instead of 733.18, and `classify` read a whole file as one sentence.
@Suite struct LineEndingCLITests {
    /// Short sentences over a few words, one a line, no two alike.
    static func sentences(_ count: Int, offset: Int = 0) -> String {
        let subjects = ["the cat", "a dog", "my friend", "the bird"]
        let verbs = ["sees", "likes", "finds"]
        let objects = ["the ball .", "a red hat .", "the old tree .", "some bread ."]
        return (offset..<(offset + count)).map { i in
            "\(subjects[i % 4]) \(verbs[(i / 4) % 3]) \(objects[(i / 12) % 4])"
        }.joined(separator: "\n") + "\n"
    }

    func write(_ bytes: [UInt8], _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func ngramsCountsAnEosForEveryLine() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var expected: [Substring]?
        for (name, bytes) in LineEndings.variants(of: "the cat sat\nthe cat ran\n\nthe dog sat\n") {
            let path = try write(bytes, "\(name).txt", in: dir)
            let result = try CLI.run(["ngrams", "--text", path, "--n", "1", "--top", "3"])
            #expect(result.status == 0, "\(name): \(result.stderr)")
            #expect(result.stdout.contains(": 13 tokens"), "\(name): \(result.stdout)")
            let table = result.stdout.split(separator: "\n").dropFirst().map { $0 }
            if let expected { #expect(table == expected, "\(name)") } else { expected = table }
        }
    }

    @Test func trainingOnCRLFTextIsTrainingOnLFText() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let texts = ["train.txt": Self.sentences(40), "valid.txt": Self.sentences(12, offset: 40), "test.txt": Self.sentences(12)]
        var expected: (line: String, model: Data)?
        for variant in [0, 1, 4] {  // LF, CRLF, BOM+LF
            let data = dir.appendingPathComponent("data\(variant)")
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            for (file, text) in texts { _ = try write(LineEndings.variants(of: text)[variant].bytes, file, in: data) }
            let run = dir.appendingPathComponent("run\(variant)")
            let result = try CLI.run([
                "train", "--data", data.path, "--emsize", "8", "--nhid", "8", "--epochs", "1", "--batch-size", "4",
                "--bptt", "5", "--save", run.path
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let line = result.stdout.split(separator: "\n").first { $0.contains("test ppl") }.map(String.init) ?? ""
            let model = try Data(contentsOf: run.appendingPathComponent("model.safetensors"))
            if let expected {
                #expect(line == expected.line, "variant \(variant)")
                #expect(model == expected.model, "variant \(variant): the checkpoint differs")
            } else {
                expected = (line, model)
            }
        }
    }

    @Test func classifyReadsCRLFFilesAndPredictSkipsBlankLines() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let crlf = { (text: String) in LineEndings.variants(of: text)[1].bytes }
        let train = try write(crlf(ClassifyCLITests.toyData(count: 60)), "train.txt", in: dir)
        let lfTest = try write(Array(ClassifyCLITests.toyData(count: 15, offset: 75).utf8), "test-lf.txt", in: dir)
        let crlfTest = try write(crlf(ClassifyCLITests.toyData(count: 15, offset: 75)), "test.txt", in: dir)
        let run = dir.appendingPathComponent("run")
        let trained = try CLI.run(
            ["classify", "train", "--train", train, "--test", crlfTest, "--epochs", "3", "--save", run.path]
                + ClassifyCLITests.small)
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("60 training sentences"), "\(trained.stdout)")

        let lf = try CLI.run(["classify", "evaluate", "--checkpoint", run.path, "--data", lfTest])
        let evaluated = try CLI.run(["classify", "evaluate", "--checkpoint", run.path, "--data", crlfTest])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        #expect(evaluated.stdout.contains("15 sentences"), "\(evaluated.stdout)")
        #expect(evaluated.stdout.replacingOccurrences(of: crlfTest, with: lfTest) == lf.stdout)

        let (predicted, timedOut) = try CLI.run(
            ["classify", "predict", "--checkpoint", run.path],
            stdin: "\u{FEFF}the film was great .\r\n\r\n  \r\nwhy the plot ?\r\n",
            timeout: 60)
        #expect(!timedOut && predicted.status == 0, "\(predicted.stderr)")
        let rows = predicted.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.map { $0.last ?? "" } == ["the film was great .", "why the plot ?"], "\(predicted.stdout)")
        #expect(predicted.stderr.contains("2 blank lines skipped"), "\(predicted.stderr)")
    }
}
