import Tensor

/// Multi-head scaled dot-product attention, PyTorch's `nn.MultiheadAttention` with
/// batch_first = false, equal q/k/v sizes and biases:
///
///     Q, K, V = query·W_qᵀ + b_q, key·W_kᵀ + b_k, value·W_vᵀ + b_v    (rows of in_proj_weight)
///     head_i = softmax(Q_i K_iᵀ / √d + mask) V_i                     d = embedDim / heads
///     out = concat(head_1 … head_h)·W_oᵀ + b_o
///
/// Names `in_proj_weight` [3E, E], `in_proj_bias` [3E], `out_proj.weight`, `out_proj.bias`;
/// PyTorch's init: xavier_uniform in_proj_weight, zero biases. Dropout applies to the attention
/// weights while training.
public final class MultiheadAttention: Module {
    public let embedDim: Int
    public let numHeads: Int
    public let dropout: Float
    public let inProjWeight: Tensor
    public let inProjBias: Tensor
    public let outProj: Linear
    let generator: RandomGenerator

    public init(embedDim: Int, numHeads: Int, dropout: Float = 0, generator: RandomGenerator = .global) {
        precondition(
            embedDim > 0 && numHeads > 0 && embedDim % numHeads == 0,
            "MultiheadAttention: embedDim \(embedDim) is not a positive multiple of numHeads \(numHeads)")
        self.embedDim = embedDim
        self.numHeads = numHeads
        self.dropout = dropout
        self.generator = generator
        inProjWeight = Init.xavierUniform([3 * embedDim, embedDim], generator: generator)
        inProjBias = Init.constant([3 * embedDim], 0)
        outProj = Linear(embedDim, embedDim, generator: generator)
        if let bias = outProj.bias { bias.pointer.update(repeating: 0, count: bias.count) }
    }

    override public func ownTensors() -> [(String, Tensor)] {
        [("in_proj_weight", inProjWeight), ("in_proj_bias", inProjBias)]
    }

    override public func children() -> [(String, Module)] { [("out_proj", outProj)] }

    /// An additive causal mask [size, size]: 0 on and below the diagonal, -inf above, so that
    /// position i attends only to positions ≤ i (PyTorch's `generate_square_subsequent_mask`).
    public static func causalMask(_ size: Int) -> Tensor {
        let mask = Tensor.zeros([size, size])
        for i in 0..<size { for j in (i + 1)..<Swift.max(i + 1, size) { mask.pointer[i * size + j] = -.infinity } }
        return mask
    }

    /// Self-attention: x [L, N, E] → [L, N, E]; `mask` [L, L] is added to the scores.
    public func callAsFunction(_ x: Tensor, mask: Tensor? = nil) -> Tensor {
        callAsFunction(query: x, key: x, value: x, mask: mask)
    }

    /// query [L, N, E], key and value [S, N, E], additive `mask` [L, S] → [L, N, E].
    public func callAsFunction(query: Tensor, key: Tensor, value: Tensor, mask: Tensor? = nil) -> Tensor {
        let e = embedDim
        precondition(
            query.rank == 3 && query.shape[2] == e && key.rank == 3 && key.shape[2] == e
                && value.shape == key.shape && key.shape[1] == query.shape[1],
            "MultiheadAttention: query \(query.shape), key \(key.shape), value \(value.shape) are not [L, N, \(e)], [S, N, \(e)]")
        let (l, n, s) = (query.shape[0], query.shape[1], key.shape[0])
        if let mask { precondition(mask.shape == [l, s], "MultiheadAttention: mask \(mask.shape) is not [\(l), \(s)]") }
        if query === key && key === value && !(mask?.requiresGrad ?? false) {
            // Self-attention: one product for all three projections, read in place by the fused op.
            let qkv = Tensor.linear(query, weight: inProjWeight, bias: inProjBias)
            return outProj(
                Tensor.selfAttention(
                    qkv: qkv, heads: numHeads, mask: mask, dropout: dropout,
                    training: isTraining, generator: generator))
        }
        let ws = inProjWeight.split(sizes: [e, e, e], axis: 0)
        let bs = inProjBias.split(sizes: [e, e, e], axis: 0)
        let q = Tensor.linear(query, weight: ws[0], bias: bs[0])
        let k = Tensor.linear(key, weight: ws[1], bias: bs[1])
        let v = Tensor.linear(value, weight: ws[2], bias: bs[2])
        let d = e / numHeads
        // [len, N, E] → [N·heads, len, d], PyTorch's head layout.
        func heads(_ t: Tensor, _ len: Int) -> Tensor { t.reshaped([len, n * numHeads, d]).permuted([1, 0, 2]) }
        var scores = Tensor.matmul(heads(q, l) * (1 / Float(d).squareRoot()), heads(k, s), transposeB: true)
        if let mask { scores = scores + mask }
        let weights = scores.softmax().dropout(p: dropout, training: isTraining, generator: generator)
        let attended = Tensor.matmul(weights, heads(v, s)).permuted([1, 0, 2]).reshaped([l, n, e])
        return outProj(attended)
    }
}
