/// A global a pickle names (`module.name`), admitted only when the allow-list gives it a role.
/// The reader interprets each role itself; nothing a pickle names is ever imported or called.
public struct TorchGlobal: Equatable, Hashable, CustomStringConvertible {
    public let module: String
    public let name: String

    public init(module: String, name: String) { (self.module, self.name) = (module, name) }

    public var description: String { "\(module).\(name)" }

    /// What an admitted global stands for.
    enum Role: Equatable {
        /// torch._utils._rebuild_tensor_v2 / _rebuild_tensor: (storage, offset, size, stride, …).
        case rebuildTensor
        /// torch._utils._rebuild_parameter(_with_state): (tensor, requires_grad, hooks[, state]).
        case rebuildParameter
        /// collections.OrderedDict.
        case orderedDict
        /// copyreg._reconstructor(cls, base, state): an instance of cls.
        case reconstructor
        /// builtins.set / frozenset.
        case set
        /// builtins.object: the base named by `_reconstructor`.
        case object
        /// torch.Size(tuple): the tuple.
        case size
        /// torch.device(…): kept as an inert record.
        case device
        /// _codecs.encode(text, "latin1"): how protocol 2 spells bytes.
        case encode
        /// A torch storage type (torch.FloatStorage …), naming the element type.
        case storageType(TorchDType)
        /// A torch dtype (torch.float32 …).
        case dtype(TorchDType)
        /// A class whose instances are kept as inert records (torch.nn modules, the recipe's models).
        case moduleClass
        /// A function kept as an attribute value (an activation such as torch.nn.functional.relu).
        case function
    }

    /// The recipe's classes, admitted under whatever module the script ran as (__main__, model …).
    static let recipeClasses: Set<String> = ["RNNModel", "TransformerModel", "PositionalEncoding"]
    /// Activations a module may hold as an attribute.
    static let activations: Set<String> = ["relu", "gelu", "tanh", "sigmoid", "silu", "elu", "leaky_relu"]

    /// The role the allow-list gives this global; nil for anything else (refused by the reader).
    var role: Role? {
        switch (module, name) {
        case ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor"): return .rebuildTensor
        case ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state"):
            return .rebuildParameter
        case ("collections", "OrderedDict"): return .orderedDict
        case ("copyreg", "_reconstructor"), ("copy_reg", "_reconstructor"): return .reconstructor
        case ("builtins", "set"), ("builtins", "frozenset"), ("__builtin__", "set"), ("__builtin__", "frozenset"): return .set
        case ("builtins", "object"), ("__builtin__", "object"): return .object
        case ("torch", "Size"): return .size
        case ("torch", "device"): return .device
        case ("_codecs", "encode"): return .encode
        case ("torch", _):
            if name.hasSuffix("Storage"), let dtype = TorchDType(storageName: name) { return .storageType(dtype) }
            if let dtype = TorchDType(rawValue: name) { return .dtype(dtype) }
            return nil
        case ("torch.nn.functional", _) where Self.activations.contains(name): return .function
        case _ where module.hasPrefix("torch.nn.modules.") && Self.isIdentifier(name): return .moduleClass
        case _ where Self.recipeClasses.contains(name) && Self.isIdentifier(module): return .moduleClass
        default: return nil
        }
    }

    /// A dotted Python name: letters, digits, underscores and dots.
    static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty
            && text.utf8.allSatisfy {
                $0 == 0x2E || $0 == 0x5F || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
            }
    }
}

/// Element types of torch storages. Floating-point types read as Float32; the others are
/// recognised (so a file that holds them reads) but cannot become model weights.
public enum TorchDType: String, Equatable, Sendable {
    case float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8, bool

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .float16, .bfloat16, .int16: 2
        case .int8, .uint8, .bool: 1
        }
    }

    /// Whether the values convert to Float32 (the floating-point types).
    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float64, .float16, .bfloat16: true
        case .int64, .int32, .int16, .int8, .uint8, .bool: false
        }
    }

    /// From a storage class name (torch.FloatStorage …; UntypedStorage holds bytes).
    init?(storageName: String) {
        let table: [String: TorchDType] = [
            "FloatStorage": .float32, "DoubleStorage": .float64, "HalfStorage": .float16, "BFloat16Storage": .bfloat16,
            "LongStorage": .int64, "IntStorage": .int32, "ShortStorage": .int16, "CharStorage": .int8,
            "ByteStorage": .uint8, "BoolStorage": .bool, "UntypedStorage": .uint8
        ]
        guard let dtype = table[storageName] else { return nil }
        self = dtype
    }

    /// The storage class torch.save names for this element type.
    var storageName: String {
        switch self {
        case .float32: "FloatStorage"
        case .float64: "DoubleStorage"
        case .float16: "HalfStorage"
        case .bfloat16: "BFloat16Storage"
        case .int64: "LongStorage"
        case .int32: "IntStorage"
        case .int16: "ShortStorage"
        case .int8: "CharStorage"
        case .uint8: "ByteStorage"
        case .bool: "BoolStorage"
        }
    }
}
