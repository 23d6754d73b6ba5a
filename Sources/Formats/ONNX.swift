import Foundation
import Tensor

// ONNX's messages (onnx.proto, field numbers as there), as far as an inference graph of standard
// operators with float and int64 tensors needs them, encoded with `ProtobufWriter`.

extension ProtobufWriter {
    /// An embedded message field whose fields `build` writes.
    fileprivate mutating func nested(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        build(&inner)
        message(field, inner)
    }
}

/// The element types written: TensorProto.DataType's numbers.
public enum ONNXElementType: Int64, Sendable {
    case float = 1
    case int64 = 7
}

/// A TensorProto: an initializer or constant, its values as little-endian `raw_data`.
public struct ONNXTensor: Sendable {
    public let name: String
    public let elementType: ONNXElementType
    public let dims: [Int]
    /// The values, little-endian, in row-major order.
    public let raw: [UInt8]

    /// A float tensor of shape `dims` holding `values` (row-major).
    public init(name: String, floats values: [Float], dims: [Int]) {
        precondition(values.count == dims.reduce(1, *), "ONNXTensor \(name): \(values.count) values for shape \(dims)")
        (self.name, elementType, self.dims) = (name, .float, dims)
        raw = Self.littleEndian(values.map(\.bitPattern))
    }

    /// An int64 tensor of shape `dims` holding `values` (row-major; `dims` [] for a scalar).
    public init(name: String, int64s values: [Int64], dims: [Int]) {
        precondition(values.count == dims.reduce(1, *), "ONNXTensor \(name): \(values.count) values for shape \(dims)")
        (self.name, elementType, self.dims) = (name, .int64, dims)
        raw = Self.littleEndian(values.map { UInt64(bitPattern: $0) })
    }

    /// `tensor`'s values and shape under `name`.
    public init(name: String, _ tensor: Tensor) {
        self.init(name: name, floats: tensor.scalars, dims: tensor.shape)
    }

    /// The bytes of `values`, each little-endian.
    static func littleEndian<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * MemoryLayout<T>.size)
        for value in values { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        return bytes
    }

    /// Appends this message's fields to `w`.
    public func encode(_ w: inout ProtobufWriter) {
        for d in dims { w.varint(1, Int64(d)) }
        w.varint(2, elementType.rawValue)
        w.string(8, name)
        w.lengthDelimited(9, raw)
    }
}

/// One axis of a graph input's or output's shape: a fixed size or a named, dynamic one.
public enum ONNXDimension: Sendable, Equatable {
    case fixed(Int)
    case named(String)
}

/// A ValueInfoProto: a graph input or output, a tensor of `elementType` and shape `dims`.
public struct ONNXValueInfo: Sendable {
    public let name: String
    public let elementType: ONNXElementType
    public let dims: [ONNXDimension]

    public init(_ name: String, _ elementType: ONNXElementType, _ dims: [ONNXDimension]) {
        (self.name, self.elementType, self.dims) = (name, elementType, dims)
    }

    /// Appends this message's fields to `w`.
    public func encode(_ w: inout ProtobufWriter) {
        w.string(1, name)
        w.nested(2) { type in  // TypeProto
            type.nested(1) { tensor in  // TypeProto.Tensor
                tensor.varint(1, elementType.rawValue)
                tensor.nested(2) { shape in  // TensorShapeProto
                    for dim in dims {
                        shape.nested(1) { d in
                            switch dim {
                            case .fixed(let size): d.varint(1, Int64(size))
                            case .named(let name): d.string(2, name)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// An AttributeProto: a named int, float, string or list of ints or strings.
public struct ONNXAttribute: Sendable {
    public enum Value: Sendable {
        case int(Int64)
        case float(Float)
        case string(String)
        case ints([Int64])
        case strings([String])
    }

    public let name: String
    public let value: Value

    public init(_ name: String, _ value: Value) { (self.name, self.value) = (name, value) }

    public static func int(_ name: String, _ value: Int) -> ONNXAttribute { ONNXAttribute(name, .int(Int64(value))) }
    public static func float(_ name: String, _ value: Float) -> ONNXAttribute { ONNXAttribute(name, .float(value)) }
    public static func string(_ name: String, _ value: String) -> ONNXAttribute { ONNXAttribute(name, .string(value)) }
    public static func ints(_ name: String, _ values: [Int]) -> ONNXAttribute {
        ONNXAttribute(name, .ints(values.map(Int64.init)))
    }
    public static func strings(_ name: String, _ values: [String]) -> ONNXAttribute { ONNXAttribute(name, .strings(values)) }

    /// Appends this message's fields to `w`.
    public func encode(_ w: inout ProtobufWriter) {
        w.string(1, name)
        // AttributeType: FLOAT 1, INT 2, STRING 3, INTS 7, STRINGS 8 (field 20).
        switch value {
        case .float(let f):
            w.float(2, f)
            w.varint(20, 1)
        case .int(let i):
            w.varint(3, i)
            w.varint(20, 2)
        case .string(let s):
            w.string(4, s)
            w.varint(20, 3)
        case .ints(let values):
            for i in values { w.varint(8, i) }
            w.varint(20, 7)
        case .strings(let values):
            for s in values { w.string(9, s) }
            w.varint(20, 8)
        }
    }
}

/// A NodeProto: one operator of the default domain reading and writing named values ("" for an
/// optional input left out).
public struct ONNXNode: Sendable {
    public let opType: String
    public let name: String
    public let inputs: [String]
    public let outputs: [String]
    public let attributes: [ONNXAttribute]

    public init(_ opType: String, name: String, inputs: [String], outputs: [String], attributes: [ONNXAttribute] = []) {
        (self.opType, self.name, self.inputs, self.outputs, self.attributes) = (opType, name, inputs, outputs, attributes)
    }

    /// Appends this message's fields to `w`.
    public func encode(_ w: inout ProtobufWriter) {
        for input in inputs { w.string(1, input) }
        for output in outputs { w.string(2, output) }
        w.string(3, name)
        w.string(4, opType)
        for attribute in attributes { w.nested(5) { attribute.encode(&$0) } }
    }
}

/// A GraphProto under construction: nodes in execution order, initializers (the weights and
/// constants), inputs and outputs. `add` names every value it creates, so a graph is written as
/// a sequence of calls:
///
///     var g = ONNXGraph(name: "lm")
///     let e = g.add("Gather", [g.initializer(ONNXTensor(name: "encoder.weight", weight)), "input"])
public struct ONNXGraph: Sendable {
    public let name: String
    public private(set) var nodes: [ONNXNode] = []
    public private(set) var initializers: [ONNXTensor] = []
    public var inputs: [ONNXValueInfo] = []
    public var outputs: [ONNXValueInfo] = []
    private var initializerNames: Set<String> = []

    public init(name: String) { self.name = name }

    /// Adds `tensor` as an initializer and returns its name (names are unique: a second one traps).
    @discardableResult
    public mutating func initializer(_ tensor: ONNXTensor) -> String {
        precondition(!initializerNames.contains(tensor.name), "ONNXGraph: a second initializer '\(tensor.name)'")
        initializerNames.insert(tensor.name)
        initializers.append(tensor)
        return tensor.name
    }

    /// Whether an initializer is named `name`.
    public func hasInitializer(_ name: String) -> Bool { initializerNames.contains(name) }

    /// An int64 constant [values.count] (a scalar when `scalar`), added as an initializer named
    /// for its values so equal constants are shared.
    public mutating func int64s(_ values: [Int64], scalar: Bool = false) -> String {
        let name = "const_i64\(scalar ? "_scalar" : "")_" + values.map { String($0) }.joined(separator: "_")
        if !hasInitializer(name) {
            initializer(ONNXTensor(name: name, int64s: values, dims: scalar ? [] : [values.count]))
        }
        return name
    }

    /// A float scalar constant, added as an initializer named for its value.
    public mutating func float(_ value: Float) -> String {
        let name = "const_f32_\(value)"
        if !hasInitializer(name) { initializer(ONNXTensor(name: name, floats: [value], dims: [])) }
        return name
    }

    /// Adds the operator `op` reading `inputs`; its `outputs` outputs are named `as`, or
    /// `<op>_<node number>_<output index>` without. Returns the output names.
    public mutating func add(
        _ op: String, _ inputs: [String], _ attributes: [ONNXAttribute] = [], outputs: Int = 1, as names: [String]? = nil
    ) -> [String] {
        let node = "\(op)_\(nodes.count)"
        let outputNames = names ?? (0..<outputs).map { "\(node)_\($0)" }
        nodes.append(ONNXNode(op, name: node, inputs: inputs, outputs: outputNames, attributes: attributes))
        return outputNames
    }

    /// Adds the one-output operator `op` reading `inputs` and returns its output's name
    /// (`as`, or a fresh one).
    public mutating func add(_ op: String, _ inputs: [String], _ attributes: [ONNXAttribute] = [], as name: String? = nil)
        -> String
    {
        add(op, inputs, attributes, outputs: 1, as: name.map { [$0] })[0]
    }

    /// Appends this message's fields to `w`.
    public func encode(_ w: inout ProtobufWriter) {
        for node in nodes { w.nested(1) { node.encode(&$0) } }
        w.string(2, name)
        for tensor in initializers { w.nested(5) { tensor.encode(&$0) } }
        for input in inputs { w.nested(11) { input.encode(&$0) } }
        for output in outputs { w.nested(12) { output.encode(&$0) } }
    }
}

/// A ModelProto: a graph and the operator set it uses, ready to write as a `.onnx` file.
public struct ONNXModel: Sendable {
    public var graph: ONNXGraph
    /// The default domain's operator set version (17: LayerNormalization's first).
    public var opsetVersion: Int
    /// The IR version (8 goes with opset 17).
    public var irVersion: Int
    public var producerName = "perplex"
    public var docString: String?

    public init(graph: ONNXGraph, opsetVersion: Int = 17, irVersion: Int = 8) {
        (self.graph, self.opsetVersion, self.irVersion) = (graph, opsetVersion, irVersion)
    }

    /// The file's bytes.
    public func encoded() -> [UInt8] {
        var w = ProtobufWriter()
        w.varint(1, Int64(irVersion))
        w.string(2, producerName)
        if let docString { w.string(6, docString) }
        w.nested(7) { graph.encode(&$0) }
        w.nested(8) { opset in  // OperatorSetIdProto, the default domain ""
            opset.string(1, "")
            opset.varint(2, Int64(opsetVersion))
        }
        return w.bytes
    }

    /// Writes the file atomically (`writeAtomically`): a failure is a one-line `FileWriteError`.
    public func write(to url: URL) throws {
        try writeAtomically(Data(encoded()), to: url)
    }
}
