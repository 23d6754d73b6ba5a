import Foundation

/// One recorded op: where its inputs' gradients go and a function from the output's gradient to
/// the inputs' gradients.
///
/// The closure must not capture the output tensor (only its storage, when needed), so that the
/// graph holds no reference cycles and is freed with the last tensor that uses it.
final class GradFn {
    let name: String
    /// One per input: where its gradient goes, nil for an input that needs none.
    let inputs: [GraphInput?]
    /// The inputs themselves, kept alive until backward for ops whose closure reads them without
    /// holding them; empty for ops that hold what they need (their inputs can go when the caller
    /// drops them).
    let retained: [Tensor]
    /// Returns one gradient per input, shaped like that input (nil where no gradient is needed).
    let backward: (Tensor) -> [Tensor?]

    init(name: String, inputs: [Tensor], keepsInputs: Bool, backward: @escaping (Tensor) -> [Tensor?]) {
        self.name = name
        self.inputs = inputs.map { $0.requiresGrad ? $0.graphInput : nil }
        self.retained = keepsInputs ? inputs : []
        self.backward = backward
    }
}

/// The recorded op behind a result tensor, held apart from the tensor's values: an op's graph
/// refers to its inputs through these, so an intermediate result that no backward closure reads
/// is freed when its caller drops it, not at the end of backward (in a GPT step, the residual
/// branches' projection and dropout outputs: 0.7 GB of nanoGPT's 6×384 config).
final class GraphNode {
    let shape: [Int]
    /// nil once backward has run through it.
    var gradFn: GradFn?

    init(shape: [Int], gradFn: GradFn) {
        self.shape = shape
        self.gradFn = gradFn
    }
}

/// Where a gradient goes: a leaf tensor (which accumulates `.grad`) or an op's result.
enum GraphInput {
    case leaf(Tensor)
    case result(GraphNode)

    var id: ObjectIdentifier {
        switch self {
        case .leaf(let tensor): ObjectIdentifier(tensor)
        case .result(let node): ObjectIdentifier(node)
        }
    }

    var shape: [Int] {
        switch self {
        case .leaf(let tensor): tensor.shape
        case .result(let node): node.shape
        }
    }

    var gradFn: GradFn? {
        switch self {
        case .leaf: nil
        case .result(let node): node.gradFn
        }
    }
}

/// Whether ops record the graph: per thread, as in PyTorch. Off inside `withNoGrad` and during
/// `backward()`.
public enum GradMode {
    /// A thread-specific slot that is nil (the default for every thread) while recording is on.
    private static let disabledKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    public internal(set) static var isEnabled: Bool {
        get { pthread_getspecific(disabledKey) == nil }
        set { pthread_setspecific(disabledKey, newValue ? nil : UnsafeRawPointer(bitPattern: 1)) }
    }
}

/// Runs `body` without recording ops for autograd (evaluation, optimizer updates).
public func withNoGrad<T>(_ body: () throws -> T) rethrows -> T {
    let saved = GradMode.isEnabled
    GradMode.isEnabled = false
    defer { GradMode.isEnabled = saved }
    return try body()
}

extension Tensor {
    /// Creates the result of an op, recording `backward` when any input needs a gradient.
    /// `keepsInputs: false` only for an op whose `backward` holds every input it reads.
    static func result(
        _ name: String, shape: [Int], storage: TensorStorage, inputs: [Tensor], keepsInputs: Bool = true,
        backward: @escaping (Tensor) -> [Tensor?]
    ) -> Tensor {
        OpProfile.recording(.forward)?.forwardOpFinished(name, shape: shape)
        guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else {
            return Tensor(shape: shape, storage: storage, gradFn: nil)
        }
        return Tensor(
            shape: shape, storage: storage,
            gradFn: GradFn(name: name, inputs: inputs, keepsInputs: keepsInputs, backward: backward))
    }

    /// Where this tensor's gradient goes in the graph.
    var graphInput: GraphInput { node.map(GraphInput.result) ?? .leaf(self) }

    /// Name of the op that produced this tensor, for diagnostics.
    public var gradFnName: String? { gradFn?.name }

    /// Back-propagates from this tensor, accumulating into `.grad` of every leaf that requires it.
    ///
    /// `gradient` defaults to 1 for a one-element tensor. The graph is freed afterwards, as in
    /// PyTorch without `retain_graph`.
    ///
    /// `leafDone`, when given, is called with each leaf as soon as its gradient from this pass is
    /// final and accumulated into its `.grad` (a leaf that its consumers sent no gradient is
    /// reported with `.grad` unchanged, one that no gradient path reaches may not be reported at
    /// all) — while the rest of the pass goes on, so that data-parallel training can
    /// send that gradient meanwhile (`GradientAverager`). Each contribution to a leaf is counted
    /// before the pass; the leaf is done when its last one arrives. The sums are formed in the same
    /// order as without it, so the gradients are the same bits. Without it nothing is counted.
    public func backward(_ gradient: Tensor? = nil, leafDone: ((Tensor) -> Void)? = nil) {
        precondition(requiresGrad, "backward: tensor does not require grad")
        precondition(isLeaf || gradFn != nil, "backward: the graph was already freed by an earlier backward()")
        let seed =
            gradient
            ?? {
                precondition(count == 1, "backward: gradient must be given for a non-scalar of shape \(shape)")
                return Tensor(shape: shape, repeating: 1)
            }()
        precondition(seed.shape == shape, "backward: gradient shape \(seed.shape) differs from \(shape)")

        let root = graphInput
        let order = Self.topologicalOrder(from: root)
        var grads: [ObjectIdentifier: Tensor] = [root.id: seed]
        let profile = OpProfile.recording(.backward)
        func timed<T>(_ name: @autoclosure () -> String, _ body: () -> T) -> T {
            guard let profile else { return body() }
            return profile.timeBackward(name(), body)
        }
        // Contributions still to come to each leaf (only when someone listens for finished leaves).
        var pending: [ObjectIdentifier: Int] = [:]
        if leafDone != nil {
            for place in order {
                for case .leaf(let leaf)? in place.gradFn?.inputs ?? [] {
                    pending[ObjectIdentifier(leaf), default: 0] += 1
                }
            }
        }
        withNoGrad {
            for place in order.reversed() {
                guard var g = grads.removeValue(forKey: place.id) else { continue }
                switch place {
                case .result(let node):
                    guard let fn = node.gradFn else { continue }
                    let inputGrads = timed(OpProfile.key(fn.name, g.shape)) { fn.backward(g) }
                    for (input, inputGrad) in zip(fn.inputs, inputGrads) {
                        guard let input else { continue }
                        let key = input.id
                        if let inputGrad {
                            precondition(
                                inputGrad.shape == input.shape,
                                "\(fn.name) backward: gradient \(inputGrad.shape) for input \(input.shape)")
                            grads[key] = timed(OpProfile.accumulation) { grads[key].map { $0 + inputGrad } ?? inputGrad }
                        }
                        guard let leafDone, let left = pending[key], case .leaf(let leaf) = input else { continue }
                        if left > 1 {
                            pending[key] = left - 1
                            continue
                        }
                        // The last contribution: the leaf is final now, not when the walk reaches it.
                        pending[key] = nil
                        if var sum = grads.removeValue(forKey: key) {
                            timed(OpProfile.accumulation) { leaf.accumulateGrad(&sum) }
                        }
                        leafDone(leaf)
                    }
                    node.gradFn = nil
                case .leaf(let leaf):
                    timed(OpProfile.accumulation) { leaf.accumulateGrad(&g) }
                    leafDone?(leaf)
                }
            }
        }
    }

    /// Places reachable from `root` through recorded ops, inputs before the ops that use them.
    private static func topologicalOrder(from root: GraphInput) -> [GraphInput] {
        var order: [GraphInput] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(GraphInput, Bool)] = [(root, false)]
        while let (place, expanded) = stack.popLast() {
            if expanded {
                order.append(place)
                continue
            }
            guard visited.insert(place.id).inserted else { continue }
            stack.append((place, true))
            for case let input? in place.gradFn?.inputs ?? [] where !visited.contains(input.id) {
                stack.append((input, false))
            }
        }
        return order
    }

    private func accumulateGrad(_ g: inout Tensor) {
        if let grad {
            Kernels.add(grad.pointer, g.pointer, grad.pointer, count)
        } else if isKnownUniquelyReferenced(&g) && isKnownUniquelyReferenced(&g.storage) {
            // Nothing else can see this gradient or its storage (not another input's gradient,
            // a saved tensor or the caller's seed), so it becomes `.grad` as it is.
            grad = g
        } else {
            // A copy: backward functions may hand the same gradient storage to several inputs.
            grad = g.copy()
        }
    }

    /// Clears the accumulated gradient.
    public func zeroGrad() { grad = nil }
}
