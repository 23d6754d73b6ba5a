import Foundation
import Testing

/// `perplex generate`'s sampling flags: samples, greedy, top-k, top-p, beam, and their one-line errors.
@Suite struct GenerateCLITests {
    /// A tiny trained run folder (built-in corpus, one epoch).
    static func trainedRun() throws -> URL {
        let dir = try CLI.temporaryDirectory()
        let trained = try CLI.run([
            "train", "--builtin-sentences", "100", "--emsize", "8", "--nhid", "8", "--epochs", "1", "--save", dir.path
        ])
        try #require(trained.status == 0, "\(trained.stderr)")
        return dir
    }

    @Test func samplingFlagsPrintWhatTheySay() throws {
        let dir = try Self.trainedRun()
        defer { try? FileManager.default.removeItem(at: dir) }
        func generate(_ flags: [String]) throws -> String {
            let result = try CLI.run(["generate", "--checkpoint", dir.path, "--words", "15", "--prompt", "the dog"] + flags)
            #expect(result.status == 0, "\(flags): \(result.stderr)")
            return result.stdout
        }
        let one = try generate(["--seed", "3"])
        let three = try generate(["--seed", "3", "--samples", "3"])
        #expect(three.hasPrefix("=== sample 1 of 3 ===\n" + one))
        #expect(three.contains("=== sample 3 of 3 ===\nthe dog"))
        let greedy = try generate(["--temperature", "0"])
        #expect(try generate(["--temperature", "0", "--seed", "9"]) == greedy)
        #expect(try generate(["--top-k", "1", "--seed", "4"]) == greedy)
        #expect(try generate(["--top-p", "1", "--seed", "3"]) == one)
        #expect(try generate(["--beam", "1"]) == greedy)
        #expect(try generate(["--beam", "3"]).hasPrefix("the dog"))
        let unprompted = try CLI.run(["generate", "--checkpoint", dir.path, "--words", "5", "--beam", "2"])
        #expect(unprompted.status == 0 && unprompted.stderr.hasPrefix("log-probability "), "\(unprompted.stderr)")
    }

    @Test(arguments: [
        (["--top-k", "0"], "--top-k must be at least 1, got 0"),
        (["--top-k", "-3"], "--top-k must be at least 1, got -3"),
        (["--top-p", "0"], "--top-p must be in (0, 1], got 0.0"),
        (["--top-p", "1.5"], "--top-p must be in (0, 1], got 1.5"),
        (["--temperature", "-0.5"], "--temperature must be 0 (greedy) or at least 1e-3, got -0.5"),
        (["--temperature", "0", "--top-k", "5"], "--temperature 0 is greedy"),
        (["--samples", "0"], "--samples must be at least 1, got 0"),
        (["--beam", "0"], "--beam must be in 1…1000, got 0"),
        (["--beam", "1001"], "--beam must be in 1…1000, got 1001"),
        (
            ["--beam", "4", "--temperature", "0.5"],
            "--beam searches for the single most likely continuation; it takes no --temperature"
        ),
        (["--beam", "4", "--top-p", "0.9"], "it takes no --top-p"),
        (["--beam", "4", "--samples", "2"], "it takes no --samples")
    ])
    func badSamplingFlagsAreOneLineErrors(_ c: ([String], String)) throws {
        // Refused before the checkpoint is read: no model needed.
        try LimitsCLITests.expectOneLineError(["generate", "--checkpoint", "/nonexistent"] + c.0, c.1)
    }
}
