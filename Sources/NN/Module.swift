import Tensor

/// Base class of layers and models, after PyTorch's `nn.Module`.
///
/// Parameters and submodules are found from stored properties by reflection (as in MLXNN), so the
/// property names become the state-dict names: a `Tensor` property `weight` of a child `decoder`
/// is `decoder.weight`; an array of modules `layers` gives `layers.0`, `layers.1`, …. A `Tensor`
/// property created requiring gradients is a parameter; one created without is a buffer (saved in
/// the state dict, never trained — BatchNorm's running statistics). `freeze()` stops a parameter
/// training without making it a buffer: it still counts and travels as a parameter, as a PyTorch
/// parameter with `requires_grad = False`. Layers whose PyTorch names are not property names
/// (`weight_ih_l0`) override `ownTensors()`.
open class Module {
    /// True while training (dropout active, batch norm using batch statistics).
    public private(set) var isTraining = true
    /// Parameters of this module's tree frozen through it (they no longer require gradients).
    private var frozen = Set<ObjectIdentifier>()

    public init() {}

    /// Tensors this module holds directly, with their local names. Default: by reflection.
    open func ownTensors() -> [(String, Tensor)] {
        reflectedChildren().compactMap { name, value in (value as? Tensor).map { (name, $0) } }
    }

    /// Direct submodules with their local names. Default: by reflection.
    open func children() -> [(String, Module)] {
        var result: [(String, Module)] = []
        for (name, value) in reflectedChildren() {
            if let module = value as? Module {
                result.append((name, module))
            } else if let modules = value as? [Module] {
                for (i, module) in modules.enumerated() { result.append(("\(name).\(i)", module)) }
            }
        }
        return result
    }

    private static let lazyPrefix = "$__lazy_storage_$_"

    private func reflectedChildren() -> [(String, Any)] {
        var result: [(String, Any)] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        var levels: [[(String, Any)]] = []
        while let m = mirror {
            levels.append(
                m.children.compactMap { child in
                    guard var label = child.label, label != "isTraining", label != "frozen" else { return nil }
                    // `lazy var x` is stored as `$__lazy_storage_$_x`.
                    if label.hasPrefix(Self.lazyPrefix) { label.removeFirst(Self.lazyPrefix.count) }
                    // Unwrap optionals: a nil optional contributes nothing.
                    let value = child.value
                    let unwrapped = Mirror(reflecting: value)
                    if unwrapped.displayStyle == .optional {
                        guard let some = unwrapped.children.first else { return nil }
                        return (label, some.value)
                    }
                    return (label, value)
                })
            mirror = m.superclassMirror
        }
        for level in levels.reversed() { result += level }  // base-class properties first
        return result
    }

    /// Every tensor in the tree with its dotted state-dict name, parameters and buffers alike.
    public func namedTensors(prefix: String = "") -> [(String, Tensor)] {
        var result = ownTensors().map { (prefix + $0.0, $0.1) }
        for (name, child) in children() { result += child.namedTensors(prefix: prefix + name + ".") }
        return result
    }

    /// Parameters (trainable or frozen, not buffers) with their dotted names, in declaration order.
    /// A tensor shared by two modules (tied weights) is listed once, under its first name, as in PyTorch.
    public func namedParameters() -> [(String, Tensor)] {
        let frozen = frozenInTree()
        var seen = Set<ObjectIdentifier>()
        return namedTensors().filter { name, tensor in
            let id = ObjectIdentifier(tensor)
            return (tensor.requiresGrad || frozen.contains(id)) && seen.insert(id).inserted
        }
    }

    /// Parameters, trainable or frozen, in declaration order.
    public func parameters() -> [Tensor] { namedParameters().map(\.1) }

    /// The parameters an optimizer updates (not frozen), in declaration order.
    public func trainableParameters() -> [Tensor] { parameters().filter(\.requiresGrad) }

    /// Number of parameter scalars, frozen ones included (PyTorch's `sum(p.numel() for p in model.parameters())`).
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    /// Stops every parameter of this module and its submodules from training; they stay parameters.
    public func freeze() {
        for tensor in parameters() {
            tensor.requiresGrad = false
            frozen.insert(ObjectIdentifier(tensor))
        }
    }

    /// Lets the parameters frozen through this module or its submodules train again.
    public func unfreeze() {
        let ids = frozenInTree()
        for (_, tensor) in namedTensors() where ids.contains(ObjectIdentifier(tensor)) { tensor.requiresGrad = true }
        clearFrozen()
    }

    private func frozenInTree() -> Set<ObjectIdentifier> {
        children().reduce(frozen) { $0.union($1.1.frozenInTree()) }
    }

    private func clearFrozen() {
        frozen = []
        for (_, child) in children() { child.clearFrozen() }
    }

    /// Switches this module and all submodules to training (`true`) or evaluation mode.
    public func train(_ on: Bool = true) {
        isTraining = on
        for (_, child) in children() { child.train(on) }
    }

    /// Evaluation mode: dropout off, batch norm on running statistics.
    public func eval() { train(false) }

    /// Clears the gradients of every parameter.
    public func zeroGrad() { for p in parameters() { p.zeroGrad() } }

    /// Copies of every tensor by state-dict name.
    public func stateDict() -> [(String, Tensor)] { namedTensors().map { ($0.0, $0.1.copy()) } }

    /// Copies `state` into this module's tensors. Every name must match and every shape fit;
    /// with `strict` (the default) no name may be missing or unexpected.
    public func loadStateDict(_ state: [String: Tensor], strict: Bool = true) throws(StateDictError) {
        let own = namedTensors()
        let ownNames = Set(own.map(\.0))
        if strict {
            if let missing = own.first(where: { state[$0.0] == nil }) { throw .missing(missing.0) }
            if let extra = state.keys.sorted().first(where: { !ownNames.contains($0) }) { throw .unexpected(extra) }
        }
        for (name, tensor) in own {
            guard let source = state[name] else { continue }
            guard source.shape == tensor.shape else { throw .shapeMismatch(name, expected: tensor.shape, found: source.shape) }
        }
        for (name, tensor) in own {
            guard let source = state[name] else { continue }
            tensor.pointer.update(from: source.pointer, count: tensor.count)
        }
    }
}

/// Why a state dict does not fit a module.
public enum StateDictError: Error, Equatable, CustomStringConvertible {
    case missing(String)
    case unexpected(String)
    case shapeMismatch(String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case .missing(let name): "missing tensor '\(name)' in the state dict"
        case .unexpected(let name): "unexpected tensor '\(name)' in the state dict"
        case .shapeMismatch(let name, let expected, let found):
            "tensor '\(name)' has shape \(found), the module expects \(expected)"
        }
    }
}
