import Foundation
import Tensor

/// Sinusoidal position encoding as in PyTorch's word_language_model example:
///
///     pe[pos, 0, 2i] = sin(pos · 10000^(-2i/d))     pe[pos, 0, 2i+1] = cos(pos · 10000^(-2i/d))
///
/// `pe` [maxLen, 1, dModel] is a persistent buffer (in the state dict, not trained), as the
/// example's `register_buffer('pe', pe)`. x [L, N, dModel] → dropout(x + pe[:L]).
public final class PositionalEncoding: Module {
    public let pe: Tensor
    public let dropout: Dropout

    public init(dModel: Int, dropout p: Float = 0.1, maxLen: Int = 5000, generator: RandomGenerator = .global) {
        precondition(dModel > 0 && maxLen > 0, "PositionalEncoding: dModel \(dModel) and maxLen \(maxLen) must be positive")
        pe = Tensor.zeros([maxLen, 1, dModel])
        // Float32 throughout, as PyTorch computes it, so large positions round the same way.
        let scale = -Float(Foundation.log(10000.0)) / Float(dModel)
        for i in stride(from: 0, to: dModel, by: 2) {
            let frequency = Foundation.exp(Float(i) * scale)
            for pos in 0..<maxLen {
                let angle = Float(pos) * frequency
                pe.pointer[pos * dModel + i] = Foundation.sin(angle)
                if i + 1 < dModel { pe.pointer[pos * dModel + i + 1] = Foundation.cos(angle) }
            }
        }
        dropout = Dropout(p, generator: generator)
    }

    /// x [L, N, dModel] with L ≤ maxLen → [L, N, dModel].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(
            x.rank == 3 && x.shape[2] == pe.shape[2] && x.shape[0] <= pe.shape[0],
            "PositionalEncoding: input \(x.shape) is not [L ≤ \(pe.shape[0]), N, \(pe.shape[2])]")
        return dropout(x + pe.slice(axis: 0, 0..<x.shape[0]))
    }
}
