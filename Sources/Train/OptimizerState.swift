import NN
import Tensor

/// An optimizer's state as named tensors, the way a checkpoint carries it so that a resumed run
/// goes on with the moments the interrupted one had. SGD without momentum has none; AdamW has, per
/// parameter, `<name>.exp_avg` and `<name>.exp_avg_sq` (PyTorch's names) and one step count.
enum OptimizerState {
    /// The step count (nil for an optimizer without state) and the tensors, named after the
    /// parameters (`names`, in the optimizer's parameter order).
    static func save(_ optimizer: any Optimizer, names: [String]) -> (steps: Int?, tensors: [(name: String, tensor: Tensor)]) {
        guard let adam = optimizer as? Adam else { return (nil, []) }
        let tensors = zip(names, adam.moments()).flatMap { name, pair in
            [(name: "optimizer.\(name).exp_avg", tensor: pair.m), (name: "optimizer.\(name).exp_avg_sq", tensor: pair.v)]
        }
        return (adam.steps, tensors)
    }

    /// Puts back what `save` gave (`state` by the same names); returns a one-line problem when a
    /// tensor is missing or does not fit. An optimizer without state takes nothing.
    static func restore(_ optimizer: any Optimizer, names: [String], steps: Int, from state: [String: Tensor]) -> String? {
        guard let adam = optimizer as? Adam else { return nil }
        var moments: [(m: Tensor, v: Tensor)] = []
        for name in names {
            guard let m = state["optimizer.\(name).exp_avg"], let v = state["optimizer.\(name).exp_avg_sq"] else {
                return "the checkpoint has no AdamW moments for '\(name)'"
            }
            moments.append((m, v))
        }
        return adam.restore(steps: steps, moments: moments).map { "the checkpoint's AdamW state does not fit: \($0)" }
    }
}
