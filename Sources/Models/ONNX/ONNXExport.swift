import Formats
import Foundation
import Tensor

/// Why a model could not be exported to ONNX; one line.
public struct ONNXExportError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(description: String) { self.description = description }
}

/// ONNX export of the recipe's language models (`RNN_TANH`, `RNN_RELU`, `LSTM`, `GRU`, tied or
/// not, and `Transformer`): one BPTT window in eval mode (no dropout), opset 17.
///
/// Graph inputs: `input` int64 [seq, batch] (token ids, the recipe's layout) and the carried
/// state, `h0` float [nlayers, batch, nhid] (and `c0` for an LSTM; none for the Transformer).
/// Graph outputs: `logits` float [seq, batch, vocabulary] and the state after the window, `hn`
/// (and `cn`). `seq` and `batch` are dynamic axes. Weights are initializers under the state
/// dict's names where they are stored as-is (`encoder.weight`, `decoder.bias`, …); recurrent
/// layers are ONNX `RNN`/`LSTM`/`GRU` nodes, one per layer, whose `W`, `R`, `B` are PyTorch's
/// weights with the gates reordered (`rnn.W_l0` …).
public enum ONNXExport {
    /// The kinds that export, in `ModelKind` order.
    public static let supportedKinds: [ModelKind] = ModelKind.allCases.filter(isExportable)

    /// Whether `kind` exports (the switch names every kind, so a new one must say).
    public static func isExportable(_ kind: ModelKind) -> Bool {
        switch kind {
        case .rnnTanh, .rnnRelu, .lstm, .gru, .transformer: true
        case .nplm, .gatedCNN, .gatedCNNRNN, .charCNN, .attentionLSTM, .gpt, .ngramRNN: false
        }
    }

    /// Why a `kind` model cannot be exported, one line naming the kinds that can; nil when it
    /// can (for checking before training, say).
    public static func problem(_ kind: ModelKind) -> String? {
        isExportable(kind)
            ? nil
            : "ONNX export does not support \(kind.rawValue) models; it exports \(supportedKinds.map(\.rawValue).joined(separator: ", "))"
    }

    /// Why a model of `config` cannot be exported (its kind, or a sentence context, which the
    /// graph does not carry); nil when it can.
    public static func problem(_ config: ModelConfig) -> String? {
        problem(config.kind)
            ?? (config.sentenceContext == .none
                ? nil : "ONNX export does not support --context \(config.sentenceContext.rawValue) models")
            ?? (config.adaptiveSoftmax == nil
                ? nil : "ONNX export does not support --adaptive models (its graph ends in a linear decoder)")
    }

    /// The ONNX model of `model`'s forward pass over one window (see the type's description).
    /// A kind that does not export is an `ONNXExportError` naming the kinds that do.
    public static func model(_ model: any LanguageModel) throws(ONNXExportError) -> ONNXModel {
        let kind = model.config.kind
        if model.config.sentenceContext != .none || model.config.adaptiveSoftmax != nil {
            throw ONNXExportError(description: problem(model.config) ?? "")
        }
        var graph = ONNXStateDictGraph(model, name: "perplex_\(kind.rawValue)")
        switch kind {
        case .rnnTanh: graph.recurrent(.tanh)
        case .rnnRelu: graph.recurrent(.relu)
        case .lstm: graph.recurrent(.lstm)
        case .gru: graph.recurrent(.gru)
        case .transformer: graph.transformer()
        case .nplm, .gatedCNN, .gatedCNNRNN, .charCNN, .attentionLSTM, .gpt, .ngramRNN:
            throw ONNXExportError(description: problem(kind) ?? "")
        }
        var onnx = ONNXModel(graph: graph.graph)
        onnx.docString =
            "perplex \(kind.rawValue) language model, one BPTT window: input ids [seq, batch] → logits [seq, batch, vocabulary]"
        return onnx
    }

    /// Writes `model` as an ONNX file at `url`, atomically (an interrupted write leaves the old
    /// file). Throws `ONNXExportError` for a kind that does not export, `FileWriteError` when the
    /// file cannot be written; both one line.
    public static func write(_ model: any LanguageModel, to url: URL) throws {
        try self.model(model).write(to: url)
    }
}

/// An ONNX graph being built from a language model's state dict: weights become initializers
/// under their state-dict names on first use.
struct ONNXStateDictGraph {
    var graph: ONNXGraph
    let config: ModelConfig
    private let tensors: [String: Tensor]

    init(_ model: any LanguageModel, name: String) {
        graph = ONNXGraph(name: name)
        config = model.config
        tensors = Dictionary(model.namedTensors(), uniquingKeysWith: { first, _ in first })
    }

    /// Whether the state dict holds `name`.
    func has(_ name: String) -> Bool { tensors[name] != nil }

    /// The state-dict tensor `name`.
    func tensor(_ name: String) -> Tensor {
        guard let tensor = tensors[name] else { preconditionFailure("ONNX export: the model has no tensor '\(name)'") }
        return tensor
    }

    /// The state-dict tensor `name` as an initializer of the same name (added once).
    mutating func weight(_ name: String) -> String {
        if !graph.hasInitializer(name) { graph.initializer(ONNXTensor(name: name, tensor(name))) }
        return name
    }

    /// x [*, in] · weightᵀ + bias → [*, out], PyTorch's `nn.Linear` with weight [out, in].
    mutating func linear(_ x: String, weight: String, bias: String, as name: String? = nil) -> String {
        let transposed = graph.add("Transpose", [self.weight(weight)], [.ints("perm", [1, 0])])
        let product = graph.add("MatMul", [x, transposed])
        return graph.add("Add", [product, self.weight(bias)], as: name)
    }

    /// `linear` with the weights `prefix.weight` and `prefix.bias`.
    mutating func linear(_ x: String, _ prefix: String, as name: String? = nil) -> String {
        linear(x, weight: "\(prefix).weight", bias: "\(prefix).bias", as: name)
    }

    /// PyTorch's `nn.LayerNorm` over the last axis with `prefix.weight`, `prefix.bias` (eps 1e-5).
    mutating func layerNorm(_ x: String, _ prefix: String) -> String {
        graph.add(
            "LayerNormalization", [x, weight("\(prefix).weight"), weight("\(prefix).bias")],
            [.int("axis", -1), .float("epsilon", 1e-5)])
    }

    /// The token ids `input` int64 [seq, batch], a graph input.
    mutating func tokenInput() -> String {
        graph.inputs.append(ONNXValueInfo("input", .int64, [.named("seq"), .named("batch")]))
        return "input"
    }

    /// The embedding of `input`: encoder.weight's rows, [seq, batch, emsize].
    mutating func embedding(_ input: String) -> String {
        graph.add("Gather", [weight("encoder.weight"), input], [.int("axis", 0)])
    }

    /// The decoder over `features` [seq, batch, features] → the graph output `logits`
    /// [seq, batch, vocabulary]; a tied decoder reads encoder.weight.
    mutating func decoder(_ features: String) {
        let weight = config.tied ? "encoder.weight" : "decoder.weight"
        let logits = linear(features, weight: weight, bias: "decoder.bias", as: "logits")
        graph.outputs.append(ONNXValueInfo(logits, .float, [.named("seq"), .named("batch"), .fixed(config.vocabularySize)]))
    }
}
