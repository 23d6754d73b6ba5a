import Tensor

/// PyTorch's `nn.TransformerEncoderLayer` with its defaults (post-norm, relu, batch_first = false):
///
///     x = norm1(x + dropout1(self_attn(x, mask)))
///     x = norm2(x + dropout2(linear2(dropout(relu(linear1(x))))))
///
/// Names `self_attn.*`, `linear1`, `linear2`, `norm1`, `norm2`.
public final class TransformerEncoderLayer: Module {
    public let selfAttn: MultiheadAttention
    public let linear1: Linear
    public let linear2: Linear
    public let norm1: LayerNorm
    public let norm2: LayerNorm
    public let dropout: Dropout
    public let dropout1: Dropout
    public let dropout2: Dropout

    public init(
        dModel: Int, numHeads: Int, dimFeedforward: Int = 2048, dropout p: Float = 0.1,
        generator: RandomGenerator = .global
    ) {
        selfAttn = MultiheadAttention(embedDim: dModel, numHeads: numHeads, dropout: p, generator: generator)
        linear1 = Linear(dModel, dimFeedforward, generator: generator)
        linear2 = Linear(dimFeedforward, dModel, generator: generator)
        norm1 = LayerNorm(dModel)
        norm2 = LayerNorm(dModel)
        dropout = Dropout(p, generator: generator)
        dropout1 = Dropout(p, generator: generator)
        dropout2 = Dropout(p, generator: generator)
    }

    override public func children() -> [(String, Module)] {
        [
            ("self_attn", selfAttn), ("linear1", linear1), ("dropout", dropout), ("linear2", linear2),
            ("norm1", norm1), ("norm2", norm2), ("dropout1", dropout1), ("dropout2", dropout2)
        ]
    }

    /// x [L, N, dModel], additive `mask` [L, L] (e.g. `MultiheadAttention.causalMask(L)`) → [L, N, dModel].
    public func callAsFunction(_ x: Tensor, mask: Tensor? = nil) -> Tensor {
        let attended = norm1(x + dropout1(selfAttn(x, mask: mask)))
        return norm2(attended + dropout2(linear2(dropout(linear1(attended).relu()))))
    }
}
