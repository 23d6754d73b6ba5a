import Foundation
import NN
import Tensor

/// nanoGPT's `Block`: pre-LayerNorm residual attention and MLP, x [T, B, C] → [T, B, C]:
///
///     x = x + attn(ln_1(x))
///     x = x + mlp(ln_2(x))
///
/// State-dict names `ln_1.*`, `attn.c_attn.*`, `attn.c_proj.*`, `ln_2.*`, `mlp.c_fc.*`, `mlp.c_proj.*`.
public final class GPTBlock: Module {
    let ln1: LayerNorm
    let attn: CausalSelfAttention
    let ln2: LayerNorm
    let mlp: GPTMLP

    init(embedding c: Int, heads: Int, bias: Bool, dropout: Float, layers: Int, generator: RandomGenerator) {
        ln1 = LayerNorm(c, bias: bias)
        attn = CausalSelfAttention(embedding: c, heads: heads, bias: bias, dropout: dropout, layers: layers, generator: generator)
        ln2 = LayerNorm(c, bias: bias)
        mlp = GPTMLP(embedding: c, bias: bias, dropout: dropout, layers: layers, generator: generator)
    }

    override public func children() -> [(String, Module)] { [("ln_1", ln1), ("attn", attn), ("ln_2", ln2), ("mlp", mlp)] }

    /// x [T, B, C] → [T, B, C]; `mask` [T, T] is the additive causal mask.
    func callAsFunction(_ x: Tensor, mask: Tensor) -> Tensor {
        let x = x + attn(ln1(x), mask: mask)
        return x + mlp(ln2(x))
    }
}

/// nanoGPT's `CausalSelfAttention`: c_attn [3C, C] projects to Q, K, V side by side; each head
/// attends with softmax(Q Kᵀ/√(C/heads) + causal mask) over positions ≤ its own; c_proj [C, C]
/// mixes the heads; dropout on the attention weights and on the output (resid_dropout).
final class CausalSelfAttention: Module {
    let cAttn: Linear
    let cProj: Linear
    let heads: Int
    let dropout: Float
    let residDropout: Dropout
    let generator: RandomGenerator

    init(embedding c: Int, heads: Int, bias: Bool, dropout: Float, layers: Int, generator: RandomGenerator) {
        cAttn = gptLinear(c, 3 * c, bias: bias, std: 0.02, generator)
        cProj = gptLinear(c, c, bias: bias, std: gptResidualStd(layers: layers), generator)
        self.heads = heads
        self.dropout = dropout
        residDropout = Dropout(dropout, generator: generator)
        self.generator = generator
    }

    override func children() -> [(String, Module)] { [("c_attn", cAttn), ("c_proj", cProj), ("resid_dropout", residDropout)] }

    /// x [T, B, C] → [T, B, C], the engine's fused attention on c_attn's output [T, B, 3C].
    func callAsFunction(_ x: Tensor, mask: Tensor) -> Tensor {
        let y = Tensor.selfAttention(
            qkv: cAttn(x), heads: heads, mask: mask, dropout: dropout, training: isTraining, generator: generator)
        return residDropout(cProj(y))
    }
}

/// nanoGPT's `MLP`: c_fc [4C, C] → exact GELU → c_proj [C, 4C] → dropout.
final class GPTMLP: Module {
    let cFc: Linear
    let cProj: Linear
    let dropout: Dropout

    init(embedding c: Int, bias: Bool, dropout p: Float, layers: Int, generator: RandomGenerator) {
        cFc = gptLinear(c, 4 * c, bias: bias, std: 0.02, generator)
        cProj = gptLinear(4 * c, c, bias: bias, std: gptResidualStd(layers: layers), generator)
        dropout = Dropout(p, generator: generator)
    }

    override func children() -> [(String, Module)] { [("c_fc", cFc), ("c_proj", cProj), ("dropout", dropout)] }

    /// x [*, C] → [*, C]; the GELU and c_proj as one op, which keeps only c_fc's output for backward.
    func callAsFunction(_ x: Tensor) -> Tensor {
        dropout(Tensor.geluLinear(cFc(x), weight: cProj.weight, bias: cProj.bias))
    }
}

/// nanoGPT's init of a Linear: weight N(0, std²), zero bias.
func gptLinear(_ input: Int, _ output: Int, bias: Bool, std: Float, _ generator: RandomGenerator) -> Linear {
    let weight = gptNormal([output, input], std: std, generator)
    return Linear(weight: weight, bias: bias ? Tensor.zeros([output], requiresGrad: true) : nil)
}

/// A parameter drawn from N(0, std²).
func gptNormal(_ shape: [Int], std: Float, _ generator: RandomGenerator) -> Tensor {
    let t = Init.normal(shape, generator: generator)
    for i in 0..<t.count { t.pointer[i] *= std }
    return t
}

/// The residual projections' (`c_proj.weight`) standard deviation, 0.02/√(2·n_layer) (GPT-2).
func gptResidualStd(layers: Int) -> Float { 0.02 / Float(2 * layers).squareRoot() }
