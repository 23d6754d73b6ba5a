import Tensor

/// Scales all gradients together so that their global L2 norm is at most `maxNorm` (PyTorch's
/// `clip_grad_norm_`: coefficient maxNorm / (norm + 1e-6), applied only when below 1).
/// Returns the norm before clipping; a NaN or infinite norm is returned as is (gradients untouched)
/// so the caller can report a diverged run.
@discardableResult
public func clipGradNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
    var squares = 0.0
    for p in parameters {
        guard let g = p.grad else { continue }
        squares += Kernels.sumOfSquares(g.pointer, g.count)
    }
    let norm = Float(squares.squareRoot())
    let coefficient = maxNorm / (norm + 1e-6)
    if norm.isFinite && coefficient < 1 {
        for p in parameters { if let g = p.grad { Kernels.scale(g.pointer, by: coefficient, g.count) } }
    }
    return norm
}
