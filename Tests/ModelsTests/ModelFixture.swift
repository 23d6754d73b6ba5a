import Formats
import Foundation
import Models
import NN
import Tensor
import Testing

/// A PyTorch reference for one window of a language model, written by scripts/fixtures/models.py:
/// the model's configuration and vocabulary in the metadata, its state dict, the window's input,
/// targets and carried state, and PyTorch's log-probabilities, loss, gradients and next state.
struct ModelFixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    let name: String
    let file: SafeTensors

    struct Missing: Error, CustomStringConvertible { let description: String }

    /// The names of every fixture file in the folder (scripts/fixtures/models.py writes them).
    static var all: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".safetensors") }.map { String($0.dropLast(".safetensors".count)) }.sorted()
    }

    init(_ name: String) throws {
        self.name = name
        file = try SafeTensors.read(contentsOf: Self.directory.appendingPathComponent("\(name).safetensors"))
    }

    func callAsFunction(_ key: String) throws -> Tensor {
        guard let t = file[key] else { throw Missing(description: "fixture \(name) has no tensor '\(key)'") }
        return t
    }

    var config: ModelConfig {
        get throws {
            guard let json = file.metadata["perplex.config"] else { throw Missing(description: "\(name): no perplex.config") }
            return try JSONDecoder().decode(ModelConfig.self, from: Data(json.utf8))
        }
    }

    var words: [String] { (file.metadata["perplex.vocabulary"] ?? "").split(separator: "\n").map(String.init) }

    /// Tensors whose keys start with `prefix`, keyed by the rest.
    func group(_ prefix: String) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (key, t) in file.tensors where key.hasPrefix(prefix) { result[String(key.dropFirst(prefix.count))] = t }
        return result
    }

    func ids(_ key: String) throws -> [Int] { try self(key).scalars.map { Int($0) } }

    /// The carried state `prefix` ("state." or "next.") as the model's RecurrentState.
    func state(_ prefix: String, config: ModelConfig) throws -> RecurrentState {
        let parts = group(prefix)
        let kindState = try state(parts, prefix, kind: config.kind)
        switch config.sentenceContext {
        case .none: return kindState
        case .previousSentence:
            func part(_ key: String) throws -> Tensor {
                guard let t = parts[key] else { throw Missing(description: "fixture \(name) has no '\(prefix)\(key)'") }
                return t
            }
            return .pair(
                kindState, .sentences(previous: try part("previous"), current: try part("current"), length: try part("length")))
        }
    }

    /// The kind's own carried state among `parts`.
    private func state(_ parts: [String: Tensor], _ prefix: String, kind: ModelKind) throws -> RecurrentState {
        func part(_ key: String) throws -> Tensor {
            guard let t = parts[key] else { throw Missing(description: "fixture \(name) has no '\(prefix)\(key)'") }
            return t
        }
        let steps = (0..<parts.count).compactMap { parts["steps.\($0)"] }
        switch kind {
        case .transformer, .gpt: return .none
        case .rnnTanh, .rnnRelu, .gru: return .hidden(try part("h"))
        case .lstm, .charCNN: return .lstm(h: try part("h"), c: try part("c"))
        case .nplm, .ngramRNN: return .tokens(try part("tokens").scalars.map { Int($0) })
        case .gatedCNN: return .steps(steps)
        case .gatedCNNRNN: return .pair(.steps(steps), .lstm(h: try part("h"), c: try part("c")))
        case .attentionLSTM: return .attention(h: try part("h"), c: try part("c"), memory: try part("memory"))
        }
    }

    /// max |a − ref| / (1 + |ref|) over elements (infinite on a shape mismatch or NaN).
    static func error(_ a: Tensor, _ reference: Tensor) -> Float {
        guard a.shape == reference.shape else { return .infinity }
        var worst: Float = 0
        for i in 0..<a.count {
            let e = abs(a.pointer[i] - reference.pointer[i]) / (1 + abs(reference.pointer[i]))
            if !(e <= worst) { worst = e.isNaN ? .infinity : e }
        }
        return worst
    }
}

/// A state's parts by the fixture's names, for comparing next states.
func stateParts(_ state: RecurrentState, batch: Int) -> [String: Tensor] {
    switch state {
    case .none: return [:]
    case .hidden(let h): return ["h": h]
    case .lstm(let h, let c): return ["h": h, "c": c]
    case .tokens(let ids): return ["tokens": Tensor(shape: [ids.count / batch, batch], ids.map { Float($0) })]
    case .steps(let layers):
        return Dictionary(uniqueKeysWithValues: layers.enumerated().map { ("steps.\($0.offset)", $0.element) })
    case .attention(let h, let c, let memory): return ["h": h, "c": c, "memory": memory]
    case .pair(let lower, let upper):
        return stateParts(lower, batch: batch).merging(stateParts(upper, batch: batch)) { a, _ in a }
    case .sentences(let previous, let current, let length): return ["previous": previous, "current": current, "length": length]
    }
}
