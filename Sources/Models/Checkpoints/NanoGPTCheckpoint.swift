import Formats
import Tensor

/// nanoGPT's `ckpt.pt`: a dict with `model` (the GPT's state dict, under torch.compile's
/// `_orig_mod.` prefix when it was compiled), `model_args` (n_layer, n_head, n_embd, block_size,
/// bias, vocab_size, dropout), `optimizer`, `config` and the iteration. Perplex's GPT has
/// nanoGPT's state-dict names, so the tensors load as they are.
enum NanoGPTCheckpoint {
    typealias Problem = TorchImport.Problem

    /// The prefix `torch.compile` puts before every name (nanoGPT's train.py strips it too).
    static let compiledPrefix = "_orig_mod."

    /// Whether `root` is such a dict.
    static func matches(_ root: PickleValue, in pickle: Pickle) -> Bool {
        pickle.value("model_args", in: root) != nil && pickle.value("model", in: root) != nil
    }

    /// The GPT configuration of `model_args` and the state dict of `model`.
    static func read(_ root: PickleValue, in pickle: Pickle) throws(Problem) -> TorchImport.Imported {
        guard let arguments = pickle.value("model_args", in: root), pickle.entries(arguments) != nil else {
            throw Problem("model_args is not a dict")
        }
        func integer(_ name: String) throws(Problem) -> Int {
            guard case .int(let value) = pickle.value(name, in: arguments) else {
                throw Problem("model_args has no integer '\(name)'")
            }
            return value
        }
        var dropout: Float = 0
        switch pickle.value("dropout", in: arguments) {
        case .float(let value): dropout = Float(value)
        case .int(let value): dropout = Float(value)
        default: break
        }
        var bias = true
        if case .bool(let value) = pickle.value("bias", in: arguments) { bias = value }
        let width = try integer("n_embd")
        let config = ModelConfig(
            kind: .gpt, vocabularySize: try integer("vocab_size"), emsize: width, nhid: 4 * width,
            nlayers: try integer("n_layer"), nhead: try integer("n_head"), dropout: dropout,
            blockSize: try integer("block_size"), bias: bias)

        guard let model = pickle.value("model", in: root), let entries = pickle.entries(model) else {
            throw Problem("'model' is not a state dict")
        }
        var tensors: [String: Tensor] = [:]
        for (key, value) in entries {
            guard case .string(var name) = key, case .tensor(let tensor) = value else {
                throw Problem("'model' is not a state dict (every key a name, every value a tensor)")
            }
            if name.hasPrefix(compiledPrefix) { name.removeFirst(compiledPrefix.count) }
            // The causal mask nanoGPT registers when PyTorch lacks flash attention: not a weight.
            if name.hasSuffix(".attn.bias") { continue }
            guard let weights = tensor.values else {
                throw Problem(
                    "tensor '\(name)' holds \(tensor.dtype.rawValue) values; only floating-point tensors become weights")
            }
            tensors[name] = weights
        }
        return TorchImport.Imported(config: config.resolved(), tensors: tensors, note: nil)
    }
}
