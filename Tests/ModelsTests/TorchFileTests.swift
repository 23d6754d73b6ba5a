import Formats
import Foundation
import Models
import NN
import Tensor
import Testing

/// PyTorch `.pt` files (scripts/fixtures/torch_pt.py: the recipe's own RNNModel and
/// TransformerModel saved whole and as a state dict, reference values in expected.pt): read with
/// their configuration, the same tensors and the same log-probabilities; hostile pickles refused
/// naming the global; TorchSave's files read back.
@Suite struct TorchFileTests {
    static let folder = ModelFixture.directory.appendingPathComponent("torch")
    static let data = folder.appendingPathComponent("data").path

    static func url(_ name: String) -> URL { folder.appendingPathComponent("\(name).pt") }

    /// expected.pt's tensors by name.
    static func expected() throws -> [String: Tensor] {
        let file = try TorchFile.read(contentsOf: url("expected"))
        var result: [String: Tensor] = [:]
        for (key, value) in file.pickle.entries(file.pickle.root) ?? [] {
            if case .string(let name) = key, case .tensor(let tensor) = value { result[name] = tensor.values }
        }
        return result
    }

    @Test(arguments: [
        ("lstm_tied", ModelConfig(kind: .lstm, vocabularySize: 11, emsize: 4, nhid: 4, nlayers: 2, dropout: 0.2, tied: true)),
        ("gru_state", ModelConfig(kind: .gru, vocabularySize: 11, emsize: 4, nhid: 6, nlayers: 1, dropout: 0.2)),
        ("rnn_relu", ModelConfig(kind: .rnnRelu, vocabularySize: 11, emsize: 4, nhid: 5, nlayers: 2, dropout: 0.2)),
        (
            "transformer",
            ModelConfig(
                kind: .transformer, vocabularySize: 11, emsize: 4, nhid: 8, nlayers: 2, nhead: 2, dropout: 0.2, finalNorm: true)
        )
    ])
    func readsTheRecipesModels(_ name: String, _ config: ModelConfig) throws {
        let expected = try Self.expected()
        let (model, vocabulary) = try Checkpoint.load(Self.url(name), torch: TorchImportOptions(data: Self.data))
        #expect(model.config == config.resolved())
        #expect(vocabulary.words.prefix(4) == ["the", "cat", "sat", "on"])
        #expect(vocabulary.words.contains("<eos>") && vocabulary.count == 11)
        for (ourName, tensor) in model.namedTensors() {
            let recipeName = config.kind == .transformer ? TorchRecipeNames.recipe(ourName) : ourName
            let reference = try #require(expected["\(name).\(recipeName)"], "no reference for \(recipeName)")
            #expect(tensor.shape == reference.shape && tensor.scalars == reference.scalars, "\(name) \(ourName)")
        }
        let error = try Self.logProbabilityError(model, expected, name)
        #expect(error < 1e-4, "\(name): log-probabilities differ by \(error)")
    }

    /// How far `model`'s log-probabilities for expected.pt's `<name>.input` ([seqLen, batch] ids,
    /// from its initial state) are from `<name>.logprobs`.
    static func logProbabilityError(_ model: any LanguageModel, _ expected: [String: Tensor], _ name: String) throws
        -> Float
    {
        let input = try #require(expected["\(name).input"])
        let (logits, _) = model(
            input.scalars.map { Int($0) }, seqLen: input.shape[0], batchSize: input.shape[1],
            state: model.initialState(batchSize: input.shape[1]))
        return ModelFixture.error(logits.logSoftmax(), try #require(expected["\(name).logprobs"]))
    }

    /// nanoGPT's ckpt.pt (its own GPT after one AdamW step, names under torch.compile's prefix,
    /// the optimizer's state and the run's config beside): the GPT of its model_args, the
    /// characters of the data set's input.txt as vocabulary, nanoGPT's log-probabilities.
    @Test func readsNanoGPTCheckpoints() throws {
        let expected = try Self.expected()
        let input = Self.folder.appendingPathComponent("data/nanogpt_input.txt").path
        let (model, vocabulary) = try Checkpoint.load(Self.url("nanogpt_ckpt"), torch: TorchImportOptions(data: input))
        #expect(
            model.config
                == ModelConfig(
                    kind: .gpt, vocabularySize: 19, emsize: 8, nhid: 32, nlayers: 1, nhead: 2, dropout: 0, blockSize: 8,
                    bias: true
                ).resolved())
        #expect(vocabulary.words.prefix(3) == ["\\n", " ", ":"])
        let error = try Self.logProbabilityError(model, expected, "nanogpt_ckpt")
        #expect(error < 1e-5, "log-probabilities differ by \(error)")
    }

    @Test(arguments: [
        ("hostile_os_system", "os.system"), ("hostile_eval", "builtins.eval"), ("hostile_popen", "subprocess.Popen")
    ])
    func refusesGlobalsOutsideTheAllowList(_ name: String, _ global: String) {
        do {
            _ = try Checkpoint.load(Self.url(name), torch: TorchImportOptions(data: Self.data))
            Issue.record("\(name) was read")
        } catch {
            #expect(
                error.description == "refusing \(name).pt: pickle names \(global), which is not a tensor or container")
        }
    }

    @Test func saysWhatIsMissingOrUnsupported() {
        func message(_ name: String, _ options: TorchImportOptions) -> String {
            do {
                _ = try Checkpoint.load(Self.url(name), torch: options)
                return "read"
            } catch { return error.description }
        }
        #expect(message("lstm_tied", TorchImportOptions()).contains("--data is needed"))
        #expect(message("legacy", TorchImportOptions(data: Self.data)).contains("legacy (pre-1.6, non-zip)"))
        #expect(message("expected", TorchImportOptions(data: Self.data)).contains("not the word_language_model recipe's"))
        #expect(message("lstm_tied", TorchImportOptions(words: ["a", "b"])).contains("the model has 11 words"))
        #expect(message("missing", TorchImportOptions(data: Self.data)).hasPrefix("checkpoint not found"))
        #expect(message("gru_state", TorchImportOptions(data: Self.data, kind: .lstm)).contains("a GRU's, not a LSTM's"))
        #expect(
            message("rnn_relu", TorchImportOptions(data: Self.data, kind: .rnnTanh)).contains("a RNN_RELU model, not a RNN_TANH"))
        #expect(message("lstm_module", TorchImportOptions(data: Self.data)).contains("holds a torch.nn.modules.rnn.LSTM module"))
    }

    /// TorchSave's file read back: the same tensors, tied ones on one storage; a plain RNN's
    /// state dict reads as RNN_TANH unless told RNN_RELU, and says so.
    @Test func torchSaveRoundTrips() throws {
        let (model, _) = try Checkpoint.load(Self.url("rnn_relu"), torch: TorchImportOptions(data: Self.data))
        let (tied, _) = try Checkpoint.load(Self.url("lstm_tied"), torch: TorchImportOptions(data: Self.data))
        let file = try TorchFile.decode(try TorchSave.encode(tied.namedTensors()))
        let entries = try #require(file.pickle.entries(file.pickle.root))
        var read: [String: TorchTensor] = [:]
        for (key, value) in entries {
            if case .string(let name) = key, case .tensor(let tensor) = value { read[name] = tensor }
        }
        #expect(read.keys.sorted() == tied.namedTensors().map(\.0).sorted())
        for (name, tensor) in tied.namedTensors() { #expect(read[name]?.values?.scalars == tensor.scalars, "\(name)") }
        let encoder = try #require(read["encoder.weight"])
        let decoder = try #require(read["decoder.weight"])
        #expect(encoder.sharesStorage(with: decoder))

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("perplex-torchsave-\(getpid()).pt")
        defer { try? FileManager.default.removeItem(at: path) }
        try TorchSave.write(model.namedTensors(), to: path)
        let asTanh = try Checkpoint.loadWithMetadata(path, torch: TorchImportOptions(data: Self.data))
        #expect(asTanh.model.config.kind == .rnnTanh)
        #expect(asTanh.metadata[Checkpoint.torchNoteKey]?.contains("RNN_TANH and RNN_RELU") == true)
        let asRelu = try Checkpoint.load(path, torch: TorchImportOptions(data: Self.data, kind: .rnnRelu))
        #expect(asRelu.model.config == model.config)
        for ((name, a), (_, b)) in zip(asRelu.model.namedTensors(), model.namedTensors()) {
            #expect(a.scalars == b.scalars, "\(name)")
        }
    }

    /// Seeded mutations of real files (bit flips, truncations, insertions, overwritten runs): each
    /// reads or throws, quickly; none traps.
    @Test func mutatedFilesReadOrThrowInBoundedTime() throws {
        let bases = try ["lstm_tied", "gru_state", "rnn_relu"].map { try Data(contentsOf: Self.url($0)) }
        var random = SplitMix(seed: 2024)
        var (read, refused) = (0, 0)
        let start = Date()
        for round in 0..<1200 {
            var bytes = [UInt8](bases[round % bases.count])
            // Most of a file is tensor data: aim half the mutations at the pickle, which comes first.
            for _ in 0..<(1 + random.next(4)) {
                let pickleEnd = min(bytes.count, 3000)
                let at = random.next(2) == 0 ? random.next(pickleEnd) : random.next(bytes.count)
                switch random.next(4) {
                case 0: bytes[at] ^= UInt8(1 << random.next(8))
                case 1: bytes.removeLast(random.next(bytes.count - at))
                case 2: bytes.insert(UInt8(random.next(256)), at: at)
                default: bytes[at] = UInt8(random.next(256))
                }
                if bytes.isEmpty { break }
            }
            let began = Date()
            do {
                _ = try TorchFile.decode(Data(bytes))
                read += 1
            } catch { refused += 1 }
            #expect(Date().timeIntervalSince(began) < 2, "round \(round) took too long")
        }
        let seconds = Date().timeIntervalSince(start)
        print("mutated .pt files: \(read) read, \(refused) refused in \(seconds) s")
        #expect(seconds < 10, "1,200 small files took \(seconds) s")
        #expect(read + refused == 1200)
    }

    @Test func finalNormDeclaresItsTensorsAndOldConfigsEncodeAsBefore() throws {
        let config = ModelConfig(kind: .transformer, vocabularySize: 7, emsize: 4, nhid: 8, nlayers: 1, finalNorm: true)
            .resolved()
        let model = try makeLanguageModel(config)
        #expect(config.tensorDeclarations.map(\.name) == model.namedTensors().map(\.0))
        #expect(model.namedTensors().map(\.0).contains("transformer_encoder.norm.weight"))
        let plain = ModelConfig(kind: .transformer, vocabularySize: 7, emsize: 4, nhid: 8, nlayers: 1).resolved()
        #expect(!String(decoding: try Checkpoint.sortedJSON.encode(plain), as: UTF8.self).contains("finalNorm"))
        #expect(throws: ModelConfigError.self) { try ModelConfig(kind: .lstm, vocabularySize: 7, finalNorm: true).validate() }
    }
}

/// A small seeded generator for the mutations.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    /// A number in 0..<bound (0 when bound ≤ 0).
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return bound > 0 ? Int(z % UInt64(bound)) : 0
    }
}
