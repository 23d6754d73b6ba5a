import Formats
import Foundation
import Tensor

/// What reading a PyTorch `.pt` file needs beside the file: the vocabulary is not in it (the
/// recipe rebuilds it from its corpus), and a state dict does not say everything its shapes
/// cannot (RNN_TANH or RNN_RELU, the Transformer's heads).
public struct TorchImportOptions: Sendable {
    /// The recipe's corpus folder (train.txt, valid.txt, test.txt): its vocabulary, rebuilt as the
    /// recipe's data.py builds it, is the model's. A text file instead is a nanoGPT char-level data
    /// set's input.txt: its sorted characters are the vocabulary, as its prepare.py makes them.
    public var data: String?
    /// The vocabulary itself, in id order, when the caller has it (a resumed run's data); wins over `data`.
    public var words: [String]?
    /// The kind of a state dict whose tensors fit two kinds (RNN_TANH, RNN_RELU); default RNN_TANH.
    public var kind: ModelKind?
    /// Attention heads of a Transformer state dict (a whole model says); default 2, the recipe's.
    public var nhead: Int?

    public init(data: String? = nil, words: [String]? = nil, kind: ModelKind? = nil, nhead: Int? = nil) {
        (self.data, self.words, self.kind, self.nhead) = (data, words, kind, nhead)
    }
}

/// The word_language_model recipe's `.pt` files as a model configuration and Perplex state dict:
/// `torch.save(model)` (the whole RNNModel or TransformerModel, configuration read from the module
/// tree) or `torch.save(model.state_dict())` (configuration inferred from names and shapes).
/// Today's recipe Transformer's names (an `nn.Transformer`) map onto Perplex's. nanoGPT's
/// `ckpt.pt` reads as its GPT (`NanoGPTCheckpoint`).
enum TorchImport {
    struct Imported {
        var config: ModelConfig
        var tensors: [String: Tensor]
        /// What the file did not say and was assumed (one line), if anything.
        var note: String?
    }

    /// Reads `url` (a missing or unreadable file, a refused global, an unsupported object: one line).
    static func read(_ url: URL, options: TorchImportOptions) throws(CheckpointError) -> Imported {
        let path = url.path
        func fail(_ message: String) -> CheckpointError { CheckpointError(description: "\(path): \(message)") }
        let file: TorchFile
        do { file = try TorchFile.read(contentsOf: url) } catch { throw CheckpointError(description: "\(error)") }
        let pickle = file.pickle
        var hints = Hints(kind: options.kind, nhead: options.nhead, dropout: nil)
        let tensors: [String: TorchTensor]
        if NanoGPTCheckpoint.matches(pickle.root, in: pickle) {
            do { return try NanoGPTCheckpoint.read(pickle.root, in: pickle) } catch { throw fail(error.description) }
        }
        if let (type, _) = pickle.object(pickle.root) {
            guard ["RNNModel", "TransformerModel"].contains(type.name) else {
                throw fail(
                    "holds a \(type) module; perplex reads the word_language_model recipe's RNNModel and TransformerModel, or a state dict"
                )
            }
            let tree = ModuleTree(pickle: pickle)
            do {
                tensors = try tree.stateDict(pickle.root)
                hints = try tree.hints(pickle.root, type: type.name, options: options)
            } catch { throw fail(error.description) }
        } else if let entries = pickle.entries(pickle.root) {
            var named: [String: TorchTensor] = [:]
            for (key, value) in entries {
                guard case .string(let name) = key, case .tensor(let tensor) = value else {
                    throw fail("holds a dict that is not a state dict (every key a name, every value a tensor)")
                }
                named[name] = tensor
            }
            tensors = named
        } else {
            throw fail("holds neither a model nor a state dict")
        }
        do { return try infer(tensors, hints: hints) } catch { throw fail(error.description) }
    }

    /// What a whole model (or the caller) says beyond the tensors.
    struct Hints {
        var kind: ModelKind?
        var nhead: Int?
        var dropout: Float?
    }

    struct Problem: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The configuration the recipe's tensor names and shapes give, and the tensors under Perplex's names.
    static func infer(_ tensors: [String: TorchTensor], hints: Hints) throws(Problem) -> Imported {
        func shape(_ name: String) throws(Problem) -> [Int] {
            guard let tensor = tensors[name] else { throw Problem("the state dict has no tensor '\(name)'") }
            return tensor.shape
        }
        func layers(_ tensors: [String: TorchTensor], _ name: (Int) -> String) -> Int {
            var count = 0
            while count < ModelConfig.Limits.layers, tensors[name(count)] != nil { count += 1 }
            return count
        }
        var notes: [String] = []
        var config: ModelConfig
        var renamed: [String: TorchTensor]
        if tensors["rnn.weight_ih_l0"] != nil {
            let input = try shape("rnn.weight_ih_l0")
            let hidden = try shape("rnn.weight_hh_l0")
            let embedding = try shape("encoder.weight")
            guard input.count == 2, hidden.count == 2, embedding.count == 2, hidden[1] > 0, input[0] % hidden[1] == 0 else {
                throw Problem("rnn.weight_ih_l0 \(input) and rnn.weight_hh_l0 \(hidden) are not an RNN's")
            }
            let kind: ModelKind
            switch input[0] / hidden[1] {
            case 4: kind = .lstm
            case 3: kind = .gru
            case 1:
                if let hinted = hints.kind, [.rnnTanh, .rnnRelu].contains(hinted) {
                    kind = hinted
                } else {
                    kind = .rnnTanh
                    notes.append(
                        "RNN_TANH and RNN_RELU have the same tensors; read as RNN_TANH (--model RNN_RELU says otherwise)")
                }
            default: throw Problem("rnn.weight_ih_l0 has \(input[0]) rows, not 1, 3 or 4 times the \(hidden[1]) hidden units")
            }
            config = ModelConfig(
                kind: kind, vocabularySize: embedding[0], emsize: embedding[1], nhid: hidden[1],
                nlayers: layers(tensors) { "rnn.weight_ih_l\($0)" })
            renamed = tensors
        } else if tensors["input_emb.weight"] != nil || tensors["transformer_encoder.layers.0.self_attn.in_proj_weight"] != nil {
            // Today's recipe (nn.Transformer: input_emb, encoder.layers.N, encoder.norm) or the older one (Perplex's names).
            let today = tensors["input_emb.weight"] != nil
            renamed = [:]
            for (name, tensor) in tensors { renamed[today ? TorchRecipeNames.perplex(name) : name] = tensor }
            let embedding = try shape(today ? "input_emb.weight" : "encoder.weight")
            let feedForward = try shape(today ? "encoder.layers.0.linear1.weight" : "transformer_encoder.layers.0.linear1.weight")
            guard embedding.count == 2, feedForward.count == 2 else { throw Problem("the embedding or linear1 is not a matrix") }
            let heads = hints.nhead ?? 2
            if hints.nhead == nil {
                notes.append(
                    "a state dict does not say how many attention heads the Transformer has; read with 2 (--nhead says otherwise)"
                )
            }
            config = ModelConfig(
                kind: .transformer, vocabularySize: embedding[0], emsize: embedding[1], nhid: feedForward[0],
                nlayers: layers(renamed) { "transformer_encoder.layers.\($0).self_attn.in_proj_weight" },
                nhead: heads, finalNorm: renamed["transformer_encoder.norm.weight"] != nil ? true : nil)
        } else {
            throw Problem(
                "not the word_language_model recipe's state dict (no rnn.weight_ih_l0, input_emb.weight or transformer_encoder.layers.0)"
            )
        }
        if let hinted = hints.kind, hinted != config.kind {
            throw Problem("the tensors are a \(config.kind.rawValue)'s, not a \(hinted.rawValue)'s")
        }
        if let dropout = hints.dropout { config.dropout = dropout }
        if let encoder = renamed["encoder.weight"], let decoder = renamed["decoder.weight"], encoder.sharesStorage(with: decoder)
        {
            config.tied = true
        }
        var values: [String: Tensor] = [:]
        for (name, tensor) in renamed {
            guard let value = tensor.values else {
                throw Problem(
                    "tensor '\(name)' holds \(tensor.dtype.rawValue) values; only floating-point tensors become weights")
            }
            values[name] = value
        }
        return Imported(config: config.resolved(), tensors: values, note: notes.isEmpty ? nil : notes.joined(separator: "; "))
    }
}
