import Tensor

/// Updates parameters in place from their `.grad` (PyTorch's `torch.optim` contract).
public protocol Optimizer: AnyObject {
    var parameters: [Tensor] { get }
    /// Current learning rate; schedules change it between steps.
    var learningRate: Float { get set }
    /// Applies one update to every parameter that has a gradient.
    func step()
}

extension Optimizer {
    /// Clears every parameter's gradient.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}

/// Per-parameter state buffers, created zeroed on first use.
struct StateBuffers {
    private var buffers: [ObjectIdentifier: Tensor] = [:]

    mutating func callAsFunction(_ p: Tensor, initial: Float = 0) -> UnsafeMutablePointer<Float> {
        buffer(p, initial: initial).pointer
    }

    /// The buffer of `p` itself (created on first use).
    mutating func buffer(_ p: Tensor, initial: Float = 0) -> Tensor {
        if let existing = buffers[ObjectIdentifier(p)] { return existing }
        let buffer = Tensor(shape: p.shape, repeating: initial)
        buffers[ObjectIdentifier(p)] = buffer
        return buffer
    }

    func contains(_ p: Tensor) -> Bool { buffers[ObjectIdentifier(p)] != nil }
}
