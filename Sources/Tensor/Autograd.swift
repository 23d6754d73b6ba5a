import Foundation

/// One recorded op: its inputs and a function from the output's gradient to the inputs' gradients.
///
/// The closure must not capture the output tensor (only its storage, when needed), so that the
/// graph holds no reference cycles and is freed with the last tensor that uses it.
final class GradFn {
    let name: String
    let inputs: [Tensor]
    /// Returns one gradient per input, shaped like that input (nil where no gradient is needed).
    let backward: (Tensor) -> [Tensor?]

    init(name: String, inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) {
        self.name = name
        self.inputs = inputs
        self.backward = backward
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
    static func result(
        _ name: String, shape: [Int], storage: TensorStorage, inputs: [Tensor],
        backward: @escaping (Tensor) -> [Tensor?]
    ) -> Tensor {
        OpProfile.recording(.forward)?.forwardOpFinished(name, shape: shape)
        guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else {
            return Tensor(shape: shape, storage: storage, gradFn: nil)
        }
        return Tensor(
            shape: shape, storage: storage,
            gradFn: GradFn(name: name, inputs: inputs, backward: backward))
    }

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

        let order = topologicalOrder()
        var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
        let profile = OpProfile.recording(.backward)
        func timed<T>(_ name: @autoclosure () -> String, _ body: () -> T) -> T {
            guard let profile else { return body() }
            return profile.timeBackward(name(), body)
        }
        // Contributions still to come to each leaf (only when someone listens for finished leaves).
        var pending: [ObjectIdentifier: Int] = [:]
        if leafDone != nil {
            for node in order {
                for input in node.gradFn?.inputs ?? [] where input.requiresGrad && input.isLeaf {
                    pending[ObjectIdentifier(input), default: 0] += 1
                }
            }
        }
        withNoGrad {
            for node in order.reversed() {
                guard var g = grads.removeValue(forKey: ObjectIdentifier(node)) else { continue }
                if let fn = node.gradFn {
                    let inputGrads = timed(OpProfile.key(fn.name, g.shape)) { fn.backward(g) }
                    for (input, inputGrad) in zip(fn.inputs, inputGrads) {
                        guard input.requiresGrad else { continue }
                        let key = ObjectIdentifier(input)
                        if let inputGrad {
                            precondition(
                                inputGrad.shape == input.shape,
                                "\(fn.name) backward: gradient \(inputGrad.shape) for input \(input.shape)")
                            grads[key] = timed(OpProfile.accumulation) { grads[key].map { $0 + inputGrad } ?? inputGrad }
                        }
                        guard let leafDone, let left = pending[key] else { continue }
                        if left > 1 {
                            pending[key] = left - 1
                            continue
                        }
                        // The last contribution: the leaf is final now, not when the walk reaches it.
                        pending[key] = nil
                        if var sum = grads.removeValue(forKey: key) {
                            timed(OpProfile.accumulation) { input.accumulateGrad(&sum) }
                        }
                        leafDone(input)
                    }
                    node.gradFn = nil
                } else if node.isLeaf {
                    timed(OpProfile.accumulation) { node.accumulateGrad(&g) }
                    leafDone?(node)
                }
            }
        }
    }

    /// Tensors reachable from self through recorded ops, inputs before the ops that use them.
    private func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded {
                order.append(node)
                continue
            }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for input in node.gradFn?.inputs ?? []
            where input.requiresGrad
                && !visited.contains(ObjectIdentifier(input))
            {
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
