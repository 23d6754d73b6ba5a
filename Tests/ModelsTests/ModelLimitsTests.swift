import Formats
import Foundation
import Models
import Tensor
import Testing
import Text

/// Numbers a user or a file controls are checked against bounds before any arithmetic on them:
/// an impossible or absurd configuration is a one-line error, never a trap or a huge allocation.
@Suite struct ModelLimitsTests {
    static let big = Int.max

    @Test(arguments: [
        (ModelConfig(kind: .charCNN, vocabularySize: 10, maxFilterWidth: 0), "--max-filter-width must be in 1…64, got 0"),
        (ModelConfig(kind: .charCNN, vocabularySize: 10, maxFilterWidth: -3), "--max-filter-width must be in 1…64, got -3"),
        (ModelConfig(kind: .charCNN, vocabularySize: 10, featureMaps: big), "--feature-maps must be in 1…4096, got \(big)"),
        (ModelConfig(kind: .charCNN, vocabularySize: 10, charEmsize: big), "--char-emsize must be in 1…1048576, got \(big)"),
        (ModelConfig(kind: .charCNN, vocabularySize: 10, highwayLayers: -1), "--highway-layers must be in 0…1024, got -1"),
        (ModelConfig(kind: .nplm, vocabularySize: 10, ngram: big), "--ngram must be in 2…64, got \(big)"),
        (ModelConfig(kind: .nplm, vocabularySize: 10, ngram: 1), "--ngram must be in 2…64, got 1"),
        (ModelConfig(kind: .gatedCNN, vocabularySize: 10, kernelSize: big), "--kernel-size must be in 2…256, got \(big)"),
        (ModelConfig(kind: .gatedCNNRNN, vocabularySize: 10, rnnLayers: big), "--rnn-layers must be in 1…1024, got \(big)"),
        (
            ModelConfig(kind: .attentionLSTM, vocabularySize: 10, attentionWindow: big),
            "--attention-window must be in 1…4096, got \(big)"
        ),
        (ModelConfig(kind: .lstm, vocabularySize: 10, nhid: big), "--nhid must be in 1…1048576, got \(big)"),
        (ModelConfig(kind: .lstm, vocabularySize: 10, emsize: big), "--emsize must be in 1…1048576, got \(big)"),
        (ModelConfig(kind: .gru, vocabularySize: 10, nlayers: big), "--nlayers must be in 1…1024, got \(big)"),
        (
            ModelConfig(kind: .lstm, vocabularySize: big),
            "the vocabulary has \(big) words, more than the 67108864 a model can have"
        ),
        (ModelConfig(kind: .transformer, vocabularySize: 10, nhead: 0), "--nhead must be in 1…200, got 0"),
        (ModelConfig(kind: .transformer, vocabularySize: 10, nhead: big), "--nhead must be in 1…200, got \(big)"),
        (ModelConfig(kind: .lstm, vocabularySize: 10, nhead: 4), "--nhead does not apply to LSTM (only to Transformer, GPT)")
    ])
    func outOfBoundsNumbersAreErrors(_ c: (ModelConfig, String)) {
        #expect(throws: ModelConfigError(description: c.1)) { try c.0.validate() }
    }

    /// `fitted` and `resolved` read the filter widths of a configuration not yet validated.
    @Test func unvalidatedFilterWidthsDoNotTrap() {
        let config = ModelConfig(kind: .charCNN, vocabularySize: 0, maxFilterWidth: 0)
        #expect(config.filterWidths == 1...1)
        #expect(config.fitted(words: ["a", "bb"]).maxWordLength == 4)
        #expect(config.resolved().maxFilterWidth == 0)
    }

    /// Configurations before `nhead` became the Transformer's alone carry a 2 for every kind.
    @Test func decodingDropsTheHeadsOfKindsWithoutAttention() throws {
        let lstm = #"{"kind":"LSTM","vocabularySize":3,"emsize":4,"nhid":4,"nlayers":1,"nhead":4,"dropout":0,"tied":false}"#
        let decoded = try JSONDecoder().decode(ModelConfig.self, from: Data(lstm.utf8))
        #expect(decoded.nhead == nil)
        try decoded.validate()
        let transformer = lstm.replacingOccurrences(of: "LSTM", with: "Transformer")
        #expect(try JSONDecoder().decode(ModelConfig.self, from: Data(transformer.utf8)).nhead == 4)
        #expect(ModelConfig(kind: .transformer, vocabularySize: 3).resolved().nhead == 2)
    }

    /// A valid configuration too large for the machine is refused before anything is allocated;
    /// its parameters are still counted from the configuration.
    @Test func aModelLargerThanMemoryIsAnError() throws {
        let huge = ModelConfig(kind: .lstm, vocabularySize: 10, emsize: 8, nhid: 1 << 19, nlayers: 4)
        try huge.validate()
        #expect(huge.parameterCount > 1 << 40)
        #expect(throws: ModelConfigError.self) { try makeLanguageModel(huge) }
        #expect(huge.memoryProblem()?.contains("more than this machine's") == true)
        let small = ModelConfig(kind: .lstm, vocabularySize: 10, emsize: 8, nhid: 8, nlayers: 1)
        #expect(small.memoryProblem() == nil)
        #expect(small.memoryProblem(physicalMemory: 1000)?.hasPrefix("the LSTM model has 746 parameters") == true)
    }

    static func temporaryFile() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("perplex-limits-\(UUID()).safetensors")
    }

    /// A checkpoint whose metadata claims a larger model than its tensors hold is an error before
    /// anything is built.
    @Test func checkpointTensorsAreCheckedAgainstTheirConfiguration() throws {
        let config = ModelConfig(kind: .lstm, vocabularySize: 3, emsize: 4, nhid: 4, nlayers: 1)
        let model = try makeLanguageModel(config, generator: RandomGenerator(seed: 1))
        let url = Self.temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(model, vocabulary: Vocabulary(words: ["a", "b", "<eos>"]), to: url)
        _ = try Checkpoint.load(url)

        func rewritten(_ edit: (inout ModelConfig) -> Void) throws -> URL {
            var file = try SafeTensors.read(contentsOf: url)
            var claimed = config
            edit(&claimed)
            file.metadata["perplex.config"] = String(decoding: try JSONEncoder().encode(claimed), as: UTF8.self)
            let out = Self.temporaryFile()
            try file.write(to: out)
            return out
        }
        let absurd = try rewritten { $0.nhid = 1 << 40 }
        defer { try? FileManager.default.removeItem(at: absurd) }
        #expect(throws: CheckpointError.self) { try Checkpoint.load(absurd) }
        do { _ = try Checkpoint.load(absurd) } catch {
            #expect(error.description.contains("--nhid must be in 1…1048576, got 1099511627776"), "\(error)")
        }
        let large = try rewritten { $0.nhid = 1 << 19 }
        defer { try? FileManager.default.removeItem(at: large) }
        do { _ = try Checkpoint.load(large) } catch {
            #expect(error.description.contains("tensor 'rnn.weight_ih_l0' is [16, 4] in the file but [2097152, 4]"), "\(error)")
        }
        let deeper = try rewritten { $0.nlayers = 2 }
        defer { try? FileManager.default.removeItem(at: deeper) }
        do { _ = try Checkpoint.load(deeper) } catch {
            #expect(error.description.contains("the file has no tensor 'rnn.weight_ih_l1'"), "\(error)")
        }
    }

    @Test func classifierCheckpointTensorsAreCheckedAgainstTheirConfiguration() throws {
        let config = ClassifierConfig(kind: .cnn, vocabularySize: 5, classCount: 2, emsize: 4, filterWidths: [2], featureMaps: 3)
        let model = try makeSentenceClassifier(config, generator: RandomGenerator(seed: 1))
        let url = Self.temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        let vocabulary = Vocabulary(words: ["<pad>", "<unk>", "a", "b", "c"])
        try ClassifierCheckpoint.save(model, vocabulary: vocabulary, labels: [0, 1], to: url)
        _ = try ClassifierCheckpoint.load(url)
        var file = try SafeTensors.read(contentsOf: url)
        var claimed = config
        claimed.featureMaps = 1 << 20
        file.metadata["perplex.classifier"] = String(decoding: try JSONEncoder().encode(claimed), as: UTF8.self)
        try file.write(to: url)
        do {
            _ = try ClassifierCheckpoint.load(url)
            Issue.record("loaded a checkpoint whose tensors do not fit its configuration")
        } catch {
            #expect(
                error.description.contains("tensor 'convs.0.weight' is [3, 4, 2] in the file but [1048576, 4, 2]"), "\(error)")
        }
        claimed.featureMaps = Int.max
        file.metadata["perplex.classifier"] = String(decoding: try JSONEncoder().encode(claimed), as: UTF8.self)
        try file.write(to: url)
        #expect(throws: CheckpointError.self) { try ClassifierCheckpoint.load(url) }
    }

    /// Each loader names the other kind of checkpoint, and a folder where the file should be.
    @Test func theWrongKindOfCheckpointIsNamed() throws {
        let lm = try makeLanguageModel(ModelConfig(kind: .gru, vocabularySize: 3, emsize: 4, nhid: 4, nlayers: 1))
        let lmFile = Self.temporaryFile()
        defer { try? FileManager.default.removeItem(at: lmFile) }
        try Checkpoint.save(lm, vocabulary: Vocabulary(words: ["a", "b", "<eos>"]), to: lmFile)
        do {
            _ = try ClassifierCheckpoint.load(lmFile)
            Issue.record("a language model loaded as a classifier")
        } catch { #expect(error.description.contains("is a language-model checkpoint"), "\(error)") }

        let classifier = try makeSentenceClassifier(
            ClassifierConfig(kind: .lstm, vocabularySize: 4, classCount: 2, emsize: 4, nhid: 3))
        let classifierFile = Self.temporaryFile()
        defer { try? FileManager.default.removeItem(at: classifierFile) }
        try ClassifierCheckpoint.save(
            classifier, vocabulary: Vocabulary(words: ["<pad>", "<unk>", "a", "b"]), labels: [1, 2], to: classifierFile)
        do {
            _ = try Checkpoint.load(classifierFile)
            Issue.record("a classifier loaded as a language model")
        } catch { #expect(error.description.contains("is a sentence-classifier checkpoint"), "\(error)") }

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("perplex-limits-\(UUID())")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("model.safetensors"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            _ = try Checkpoint.load(Checkpoint.url(folder.path))
            Issue.record("a folder loaded as a checkpoint")
        } catch { #expect(error.description.hasSuffix("model.safetensors is a directory, not a checkpoint file"), "\(error)") }
    }
}
