import Formats

/// A whole `torch.save(model)` read as inert module records: each module's `_parameters`,
/// `_buffers` and `_modules` dicts give the state dict, its attributes (`mode`, `num_heads`,
/// `p` …) the configuration. Walks stop at a depth no recipe model reaches.
struct ModuleTree {
    let pickle: Pickle
    static let maxDepth = 32

    typealias Problem = TorchImport.Problem

    func attributes(_ module: PickleValue) -> PickleValue? {
        guard let (_, state) = pickle.object(module) else { return nil }
        // A `__setstate__` state is the attribute dict, or (dict, slots).
        if pickle.entries(state) != nil { return state }
        return pickle.elements(state)?.first
    }

    func attribute(_ name: String, of module: PickleValue) -> PickleValue? {
        attributes(module).flatMap { pickle.value(name, in: $0) }
    }

    func child(_ name: String, of module: PickleValue) -> PickleValue? {
        attribute("_modules", of: module).flatMap { pickle.value(name, in: $0) }
    }

    func typeName(_ module: PickleValue?) -> String? { module.flatMap { pickle.object($0)?.type.name } }

    /// The module's state dict as `module.state_dict()` gives it (persistent buffers only).
    func stateDict(_ module: PickleValue, prefix: String = "", depth: Int = 0) throws(Problem) -> [String: TorchTensor] {
        guard depth < Self.maxDepth else { throw Problem("modules nest deeper than \(Self.maxDepth)") }
        guard attributes(module) != nil else { throw Problem("\(prefix.isEmpty ? "the model" : prefix) is not a module record") }
        var result: [String: TorchTensor] = [:]
        let skipped = attribute("_non_persistent_buffers_set", of: module).flatMap { pickle.elements($0) } ?? []
        for group in ["_parameters", "_buffers"] {
            for (key, value) in attribute(group, of: module).flatMap({ pickle.entries($0) }) ?? [] {
                guard case .string(let name) = key, !skipped.contains(key) else { continue }
                switch value {
                case .tensor(let tensor): result[prefix + name] = tensor
                case .none: continue
                case .bool, .int, .float, .string, .bytes, .global, .storage, .node:
                    throw Problem("\(prefix + name) is not a tensor")
                }
            }
        }
        for (key, value) in attribute("_modules", of: module).flatMap({ pickle.entries($0) }) ?? [] {
            guard case .string(let name) = key, value != .none else { continue }
            for (child, tensor) in try stateDict(value, prefix: prefix + name + ".", depth: depth + 1) { result[child] = tensor }
        }
        return result
    }

    /// What the module tree says beyond the tensors: the RNN's mode, the Transformer's heads,
    /// the dropout; anything the Perplex model does not compute alike is refused.
    func hints(_ root: PickleValue, type: String, options: TorchImportOptions) throws(Problem) -> TorchImport.Hints {
        func number(_ value: PickleValue?) -> Double? {
            if case .float(let x) = value { return x }
            if case .int(let n) = value { return Double(n) }
            return nil
        }
        var hints = TorchImport.Hints(kind: nil, nhead: nil, dropout: nil)
        if type == "RNNModel" {
            guard let rnn = child("rnn", of: root) else { throw Problem("the RNNModel has no rnn module") }
            guard case .string(let mode) = attribute("mode", of: rnn), let kind = ModelKind(rawValue: mode) else {
                throw Problem("the RNNModel's rnn (\(typeName(rnn) ?? "?")) has no mode the recipe uses")
            }
            guard attribute("bidirectional", of: rnn) != .bool(true), attribute("batch_first", of: rnn) != .bool(true),
                attribute("bias", of: rnn) != .bool(false), (number(attribute("proj_size", of: rnn)) ?? 0) == 0
            else { throw Problem("the RNNModel's rnn is bidirectional, batch-first, projected or without biases") }
            hints.kind = kind
            hints.dropout = number(attribute("p", of: child("drop", of: root) ?? .none)).map(Float.init)
        } else {
            // The older recipe's encoder is the embedding and its layers are `transformer_encoder`'s.
            let encoder = child("transformer_encoder", of: root) ?? child("encoder", of: root)
            guard let encoder, let layers = child("layers", of: encoder),
                let first = attribute("_modules", of: layers).flatMap({ pickle.entries($0)?.first?.value })
            else { throw Problem("the TransformerModel has no encoder layers") }
            guard attribute("norm_first", of: first) != .bool(true) else { throw Problem("the encoder layers normalise first") }
            if case .global(let activation) = attribute("activation", of: first), activation.name != "relu" {
                throw Problem("the encoder layers use \(activation), not relu")
            }
            if let heads = number(attribute("num_heads", of: child("self_attn", of: first) ?? .none)) {
                hints.nhead = Int(exactly: heads)
            }
            hints.dropout = number(attribute("p", of: child("dropout", of: child("pos_encoder", of: root) ?? .none) ?? .none))
                .map(Float.init)
        }
        if let hinted = options.kind, let kind = hints.kind, hinted != kind {
            throw Problem("the file holds a \(kind.rawValue) model, not a \(hinted.rawValue)")
        }
        return hints
    }
}
