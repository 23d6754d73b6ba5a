/// A Float32 tensor: contiguous row-major storage plus a shape, with reverse-mode autograd.
///
/// Tensors are reference types, like PyTorch's: an op returns a new tensor and, when gradients are
/// being recorded, remembers how to send gradients back to its inputs (`gradFn`).
public final class Tensor {
    public let shape: [Int]
    /// Never replaced; a `var` only so that `backward()` can ask whether it is uniquely referenced.
    public internal(set) var storage: TensorStorage
    /// Whether gradients flow to this tensor. Set it on leaves (parameters, inputs to check).
    public var requiresGrad: Bool
    /// Gradient accumulated by `backward()` on a leaf that requires gradients.
    public var grad: Tensor?
    /// The recorded op that produced this tensor; nil for leaves.
    let node: GraphNode?
    /// The recorded op that produced this tensor; nil for leaves and after `backward()` freed it.
    var gradFn: GradFn? { node?.gradFn }
    /// False for the results of recorded ops: only leaves accumulate `.grad`.
    public var isLeaf: Bool { node == nil }

    init(shape: [Int], storage: TensorStorage, gradFn: GradFn?) {
        precondition(
            Shape.count(shape) == storage.count,
            "shape \(shape) needs \(Shape.count(shape)) elements, storage has \(storage.count)")
        self.shape = shape
        self.storage = storage
        self.node = gradFn.map { GraphNode(shape: shape, gradFn: $0) }
        self.requiresGrad = gradFn != nil
    }

    /// A leaf tensor with uninitialised contents.
    public convenience init(uninitializedShape shape: [Int]) {
        self.init(shape: shape, storage: TensorStorage(uninitializedCount: Shape.count(shape)), gradFn: nil)
    }

    /// A leaf tensor sharing `storage`, read with `shape`.
    public convenience init(shape: [Int], storage: TensorStorage) {
        self.init(shape: shape, storage: storage, gradFn: nil)
    }

    /// A leaf tensor filled with `value`.
    public convenience init(shape: [Int], repeating value: Float, requiresGrad: Bool = false) {
        self.init(shape: shape, storage: TensorStorage(count: Shape.count(shape), repeating: value), gradFn: nil)
        self.requiresGrad = requiresGrad
    }

    /// A leaf tensor holding `values` in row-major order.
    public convenience init(shape: [Int], _ values: [Float], requiresGrad: Bool = false) {
        precondition(
            values.count == Shape.count(shape),
            "Tensor(shape:): \(values.count) values do not fill shape \(shape)")
        self.init(uninitializedShape: shape)
        values.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: values.count) }
        self.requiresGrad = requiresGrad
    }

    /// A 0-d tensor.
    public convenience init(_ scalar: Float) { self.init(shape: [], [scalar]) }

    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor(shape: shape, repeating: 0, requiresGrad: requiresGrad)
    }

    public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor(shape: shape, repeating: 1, requiresGrad: requiresGrad)
    }

    public var rank: Int { shape.count }
    public var count: Int { storage.count }
    public var pointer: UnsafeMutablePointer<Float> { storage.pointer }

    /// The elements in row-major order.
    public var scalars: [Float] { Array(storage.buffer) }

    /// The single element of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item: tensor of shape \(shape) has \(count) elements, not 1")
        return storage.pointer[0]
    }

    /// Element at a full multi-index.
    public subscript(indices: Int...) -> Float {
        get { storage.pointer[flatIndex(indices)] }
        set { storage.pointer[flatIndex(indices)] = newValue }
    }

    private func flatIndex(_ indices: [Int]) -> Int {
        precondition(indices.count == rank, "subscript: \(indices.count) indices for shape \(shape)")
        var flat = 0
        for (i, index) in indices.enumerated() {
            precondition(index >= 0 && index < shape[i], "subscript: index \(indices) out of range for \(shape)")
            flat = flat * shape[i] + index
        }
        return flat
    }

    /// A new leaf holding a copy of the values, detached from the graph.
    public func copy() -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        out.pointer.update(from: pointer, count: count)
        return out
    }

    /// A leaf sharing this tensor's storage, cut off from the graph (no gradient flows through it).
    public func detach() -> Tensor { Tensor(shape: shape, storage: storage, gradFn: nil) }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", …" : "")])"
    }
}
