import Formats
import Foundation
import Models
import Tensor
import Testing

/// The ONNX exporter writes files that parse back as protobuf with the graph expected for each
/// kind: inputs, outputs, operators, initializer names, and every node reading only values defined
/// before it. (scripts/onnx_check.py runs the files in onnxruntime against perplex's logits.)
@Suite struct ONNXExportTests {
    static let words = (0..<7).map { "w\($0)" }

    func exported(_ config: ModelConfig) throws -> (model: any LanguageModel, file: Message) {
        let model = try makeLanguageModel(config, words: Self.words, generator: RandomGenerator(seed: 5))
        model.eval()
        return (model, try Message(ONNXExport.model(model).encoded()))
    }

    /// The model's graph, checked to be well formed: every node input is a graph input, an
    /// initializer or an output of an earlier node, and every graph output is defined.
    func graph(_ file: Message) throws -> Graph {
        #expect(file.ints(1) == [8])  // ir_version
        #expect(file.strings(2) == ["perplex"])
        let opset = try #require(file.messages(8).first)
        #expect(opset.strings(1) == [""] && opset.ints(2) == [17])
        let graph = Graph(try #require(file.messages(7).first))
        var defined = Set(graph.inputs + graph.initializers + [""])
        for node in graph.nodes {
            for input in node.strings(1) { #expect(defined.contains(input), "\(node.strings(4)) reads undefined '\(input)'") }
            defined.formUnion(node.strings(2))
        }
        for output in graph.outputs { #expect(defined.contains(output)) }
        return graph
    }

    @Test func lstmGraph() throws {
        let (model, file) = try exported(ModelConfig(kind: .lstm, vocabularySize: 7, emsize: 4, nhid: 3, nlayers: 2))
        let graph = try graph(file)
        #expect(graph.inputs == ["input", "h0", "c0"])
        #expect(graph.outputs == ["logits", "hn", "cn"])
        #expect(graph.operators.filter { $0 == "LSTM" }.count == 2)
        #expect(graph.operators.first == "Gather" && graph.operators.contains("MatMul"))
        let weights =
            ["encoder.weight", "decoder.weight", "decoder.bias"]
            + (0..<2).flatMap { ["rnn.W_l\($0)", "rnn.R_l\($0)", "rnn.B_l\($0)"] }
        #expect(Set(weights).isSubset(of: graph.initializers))
        // ONNX's LSTM gate blocks are i, o, f, c; PyTorch's i, f, g, o (rows of 3).
        let wih = try #require(model.namedTensors().first { $0.0 == "rnn.weight_ih_l0" }?.1).scalars
        let rows = { (block: Int) in Array(wih[(block * 12)..<((block + 1) * 12)]) }
        #expect(try graph.floats("rnn.W_l0") == rows(0) + rows(3) + rows(1) + rows(2))
        #expect(try graph.dims("rnn.W_l0") == [1, 12, 4] && graph.dims("rnn.B_l1") == [1, 24])
        // Dynamic axes by name, fixed ones by size.
        #expect(graph.inputShapes["h0"] == ["2", "batch", "3"] && graph.outputShapes["logits"] == ["seq", "batch", "7"])
    }

    @Test func tiedGRUReadsTheEmbedding() throws {
        let (_, file) = try exported(ModelConfig(kind: .gru, vocabularySize: 7, emsize: 4, nhid: 4, nlayers: 1, tied: true))
        let graph = try graph(file)
        #expect(graph.inputs == ["input", "h0"] && graph.outputs == ["logits", "hn"])
        #expect(graph.operators.contains("GRU") && !graph.initializers.contains("decoder.weight"))
        let gru = try #require(graph.nodes.first { $0.strings(4) == ["GRU"] })
        #expect(gru.messages(5).contains { $0.strings(1) == ["linear_before_reset"] && $0.ints(3) == [1] })
        let transposes = graph.nodes.filter { $0.strings(4) == ["Transpose"] }
        #expect(transposes.contains { $0.strings(1) == ["encoder.weight"] })
    }

    @Test(arguments: [(ModelKind.rnnTanh, "Tanh"), (.rnnRelu, "Relu")])
    func plainRNNActivations(_ kind: ModelKind, _ activation: String) throws {
        let (_, file) = try exported(ModelConfig(kind: kind, vocabularySize: 7, emsize: 4, nhid: 3, nlayers: 1))
        let rnn = try #require(try graph(file).nodes.first { $0.strings(4) == ["RNN"] })
        #expect(rnn.messages(5).contains { $0.strings(1) == ["activations"] && $0.strings(9) == [activation] })
    }

    @Test func transformerGraph() throws {
        let (_, file) = try exported(ModelConfig(kind: .transformer, vocabularySize: 7, emsize: 4, nhid: 6, nlayers: 2, nhead: 2))
        let graph = try graph(file)
        #expect(graph.inputs == ["input"] && graph.outputs == ["logits"])
        for op in ["LayerNormalization", "Softmax", "Range", "Where", "Split", "Reshape"] {
            #expect(graph.operators.contains(op))
        }
        #expect(graph.operators.filter { $0 == "LayerNormalization" }.count == 4)
        let prefix = "transformer_encoder.layers.1"
        let weights = [
            "encoder.weight", "pos_encoder.pe", "\(prefix).self_attn.in_proj_weight", "\(prefix).self_attn.out_proj.bias",
            "\(prefix).linear1.weight", "\(prefix).linear2.bias", "\(prefix).norm2.weight", "decoder.weight"
        ]
        #expect(Set(weights).isSubset(of: graph.initializers))
        #expect(try graph.dims("pos_encoder.pe") == [5000, 1, 4])
    }

    @Test func otherKindsAreOneLineErrors() throws {
        let model = try makeLanguageModel(ModelConfig(kind: .nplm, vocabularySize: 7, emsize: 4, nhid: 3, ngram: 3))
        #expect(ONNXExport.supportedKinds == [.rnnTanh, .rnnRelu, .lstm, .gru, .transformer])
        #expect(
            throws: ONNXExportError(
                description: "ONNX export does not support NPLM models; it exports RNN_TANH, RNN_RELU, LSTM, GRU, Transformer")
        ) { try ONNXExport.model(model) }
    }

    @Test func writesAtomicallyOrFailsInOneLine() throws {
        let model = try makeLanguageModel(ModelConfig(kind: .lstm, vocabularySize: 7, emsize: 4, nhid: 3, nlayers: 1))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("perplex-onnx-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("m.onnx")
        try ONNXExport.write(model, to: url)
        #expect(try Data(contentsOf: url) == Data(ONNXExport.model(model).encoded()))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["m.onnx"])  // no temporary left
        let missing = dir.appendingPathComponent("no/such/m.onnx")
        do {
            try ONNXExport.write(model, to: missing)
            Issue.record("wrote into a missing folder")
        } catch {
            #expect("\(error)".hasPrefix("cannot write \(missing.path)") && !"\(error)".contains("\n"))
        }
    }
}

/// A protobuf message read back for checking: its fields in order, values kept raw.
struct Message {
    enum Value {
        case varint(UInt64)
        case bytes([UInt8])
        case fixed32(UInt32)
        case fixed64(UInt64)
    }

    struct Malformed: Error {}

    var fields: [(number: Int, value: Value)] = []

    init(_ bytes: [UInt8]) throws {
        var i = 0
        func varint() throws -> UInt64 {
            var (value, shift) = (UInt64(0), UInt64(0))
            while true {
                guard i < bytes.count, shift < 64 else { throw Malformed() }
                let byte = bytes[i]
                i += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }
        func take(_ n: Int) throws -> [UInt8] {
            guard n >= 0, i + n <= bytes.count else { throw Malformed() }
            defer { i += n }
            return Array(bytes[i..<(i + n)])
        }
        func little(_ raw: [UInt8]) -> UInt64 { raw.reversed().reduce(0) { $0 << 8 | UInt64($1) } }
        while i < bytes.count {
            let tag = try varint()
            let number = Int(tag >> 3)
            switch tag & 7 {
            case 0: fields.append((number, .varint(try varint())))
            case 1: fields.append((number, .fixed64(little(try take(8)))))
            case 2: fields.append((number, .bytes(try take(Int(try varint())))))
            case 5: fields.append((number, .fixed32(UInt32(little(try take(4))))))
            default: throw Malformed()
            }
        }
    }

    func ints(_ number: Int) -> [Int64] {
        fields.compactMap { field in
            if field.number == number, case .varint(let v) = field.value { return Int64(bitPattern: v) }
            return nil
        }
    }

    func raw(_ number: Int) -> [[UInt8]] {
        fields.compactMap { field in
            if field.number == number, case .bytes(let b) = field.value { return b }
            return nil
        }
    }

    func strings(_ number: Int) -> [String] { raw(number).map { String(decoding: $0, as: UTF8.self) } }

    func messages(_ number: Int) -> [Message] { raw(number).compactMap { try? Message($0) } }
}

/// A GraphProto read back: nodes, initializers, inputs and outputs by name.
struct Graph {
    let nodes: [Message]
    let initializerMessages: [Message]
    let inputMessages: [Message]
    let outputMessages: [Message]

    init(_ graph: Message) {
        (nodes, initializerMessages) = (graph.messages(1), graph.messages(5))
        (inputMessages, outputMessages) = (graph.messages(11), graph.messages(12))
    }

    var operators: [String] { nodes.flatMap { $0.strings(4) } }
    var initializers: [String] { initializerMessages.flatMap { $0.strings(8) } }
    var inputs: [String] { inputMessages.flatMap { $0.strings(1) } }
    var outputs: [String] { outputMessages.flatMap { $0.strings(1) } }

    /// Each value's dims: a size as digits, a dynamic axis by name.
    static func shapes(_ values: [Message]) -> [String: [String]] {
        Dictionary(
            uniqueKeysWithValues: values.map { value in
                let shape = value.messages(2).first?.messages(1).first?.messages(2).first
                let dims = (shape?.messages(1) ?? []).map { d in d.ints(1).first.map { String($0) } ?? d.strings(2).first ?? "?" }
                return (value.strings(1).first ?? "", dims)
            })
    }

    var inputShapes: [String: [String]] { Self.shapes(inputMessages) }
    var outputShapes: [String: [String]] { Self.shapes(outputMessages) }

    func initializer(_ name: String) throws -> Message { try #require(initializerMessages.first { $0.strings(8) == [name] }) }

    func dims(_ name: String) throws -> [Int64] { try initializer(name).ints(1) }

    /// A float initializer's raw_data as floats.
    func floats(_ name: String) throws -> [Float] {
        let raw = try #require(try initializer(name).raw(9).first)
        return stride(from: 0, to: raw.count, by: 4).map { i in
            Float(bitPattern: raw[i..<(i + 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
    }
}
