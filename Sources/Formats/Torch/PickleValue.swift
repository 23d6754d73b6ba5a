import Foundation

/// One value of a restricted pickle. Containers and objects live in the `Pickle`'s node table and
/// are named here by index, so no value nests inside another (a hostile pickle's million-deep
/// nesting costs a table row each, not a stack frame when freed) and shared or cyclic references
/// are plain indices.
public enum PickleValue: Equatable {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    /// A reference to an allowed global (a class or function), never called.
    case global(TorchGlobal)
    /// A tensor rebuilt from its storage (torch._utils._rebuild_tensor_v2, _rebuild_parameter).
    case tensor(TorchTensor)
    /// A storage named by a persistent id, before a tensor views it.
    case storage(TorchStorage)
    /// A tuple, list, dict, set or object: `Pickle.nodes[index]`.
    case node(Int)
}

/// A container or an inert object record of a pickle.
public struct PickleNode {
    public enum Kind: Equatable {
        case tuple, list, dict, set
        /// An instance of a class (module and name), never constructed: its constructor
        /// arguments are `items`, what `__setstate__` would have received is `state`.
        case object(TorchGlobal)
    }

    public var kind: Kind
    /// Elements in order; a dict's keys and values alternate.
    public var items: [PickleValue]
    /// An object's state (`BUILD`); `.none` for the rest.
    public var state: PickleValue = .none
}

/// A whole unpickled stream: its root value and the node table its containers live in.
public struct Pickle {
    public let root: PickleValue
    public let nodes: [PickleNode]

    /// The node `value` names, if it is one.
    public func node(_ value: PickleValue) -> PickleNode? {
        guard case .node(let index) = value, nodes.indices.contains(index) else { return nil }
        return nodes[index]
    }

    /// The elements of a tuple, list or set.
    public func elements(_ value: PickleValue) -> [PickleValue]? {
        guard let node = node(value) else { return nil }
        switch node.kind {
        case .tuple, .list, .set: return node.items
        case .dict, .object: return nil
        }
    }

    /// The (key, value) pairs of a dict, in insertion order.
    public func entries(_ value: PickleValue) -> [(key: PickleValue, value: PickleValue)]? {
        guard let node = node(value), node.kind == .dict else { return nil }
        return stride(from: 0, to: node.items.count - 1, by: 2).map { (node.items[$0], node.items[$0 + 1]) }
    }

    /// The value under a string key of a dict (the first, if a key repeats).
    public func value(_ key: String, in dict: PickleValue) -> PickleValue? {
        guard let node = node(dict), node.kind == .dict else { return nil }
        var index = 0
        while index + 1 < node.items.count {
            if node.items[index] == .string(key) { return node.items[index + 1] }
            index += 2
        }
        return nil
    }

    /// An object's class and state.
    public func object(_ value: PickleValue) -> (type: TorchGlobal, state: PickleValue)? {
        guard let node = node(value), case .object(let type) = node.kind else { return nil }
        return (type, node.state)
    }
}
