import NN
import Tensor

/// An optimizer's state as named tensors, the way a checkpoint carries it so that a resumed run
/// goes on with the moments the interrupted one had. SGD without momentum has none; AdamW has, per
/// parameter, `<name>.exp_avg` and `<name>.exp_avg_sq` (PyTorch's names) and one step count.
enum OptimizerState {
    /// The step count (nil for an optimizer without state) and the tensors, named after the
    /// parameters (`names`, in the optimizer's parameter order: `optimizer.parameters`).
    static func save(_ optimizer: any Optimizer, names: [String]) -> (steps: Int?, tensors: [(name: String, tensor: Tensor)]) {
        guard let adams = adams(of: optimizer) else { return (nil, []) }
        let tensors = zip(names, adams.flatMap { $0.moments() }).flatMap { name, pair in
            [(name: "optimizer.\(name).exp_avg", tensor: pair.m), (name: "optimizer.\(name).exp_avg_sq", tensor: pair.v)]
        }
        return (adams.first?.steps, tensors)
    }

    /// The Adam optimizers that hold `optimizer`'s state, in its parameter order: itself, or the
    /// groups of an `OptimizerGroups` (nanoGPT's two); nil when any part keeps no such state.
    static func adams(of optimizer: any Optimizer) -> [Adam]? {
        if let adam = optimizer as? Adam { return [adam] }
        guard let groups = optimizer as? OptimizerGroups else { return nil }
        let adams = groups.groups.compactMap { $0 as? Adam }
        return adams.count == groups.groups.count ? adams : nil
    }

    /// Puts back what `save` gave (`state` by the same names); returns a one-line problem when a
    /// tensor is missing or does not fit. An optimizer without state takes nothing.
    static func restore(_ optimizer: any Optimizer, names: [String], steps: Int, from state: [String: Tensor]) -> String? {
        guard let adams = adams(of: optimizer) else { return nil }
        var remaining = names[...]
        for adam in adams {
            var moments: [(m: Tensor, v: Tensor)] = []
            for name in remaining.prefix(adam.parameters.count) {
                guard let m = state["optimizer.\(name).exp_avg"], let v = state["optimizer.\(name).exp_avg_sq"] else {
                    return "the checkpoint has no AdamW moments for '\(name)'"
                }
                moments.append((m, v))
            }
            remaining = remaining.dropFirst(adam.parameters.count)
            if let problem = adam.restore(steps: steps, moments: moments) {
                return "the checkpoint's AdamW state does not fit: \(problem)"
            }
        }
        return nil
    }
}
