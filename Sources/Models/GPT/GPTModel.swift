import Foundation
import NN
import Tensor

/// A decoder-only Transformer as nanoGPT's `model.py` defines it: token (`wte`) and learned
/// position (`wpe`) embeddings → dropout → `nlayers` pre-LayerNorm blocks (causal multi-head
/// self-attention, MLP of width 4·C with exact GELU) → `ln_f` → `lm_head`, whose weight is `wte`'s.
/// C is `emsize` (nanoGPT's n_embd), the heads `nhead`, the context at most `blockSize` tokens;
/// `bias` gives every Linear and LayerNorm a bias (lm_head never has one). State-dict names are
/// nanoGPT's (`transformer.wte.weight`, `transformer.h.0.attn.c_attn.weight`, …, `lm_head.weight`),
/// so its checkpoints' `model` dict loads (without torch.compile's `_orig_mod.` prefix).
/// Init as nanoGPT: N(0, 0.02²) weights, N(0, (0.02/√(2·nlayers))²) for `c_proj.weight`, zero biases.
/// `nhid` is not read (the MLP is 4·C wide, as in nanoGPT).
public final class GPTModel: Module, LanguageModel {
    public let config: ModelConfig
    let transformer: GPTTransformer
    /// `lm_head`: [V, C], no bias, the same tensor as `transformer.wte.weight`.
    public let decoder: Linear
    private var masks: [Int: Tensor] = [:]

    public init(_ config: ModelConfig, generator: RandomGenerator = .global) {
        self.config = config
        transformer = GPTTransformer(config, generator: generator)
        decoder = Linear(weight: transformer.wte.weight, bias: nil)
    }

    override public func children() -> [(String, Module)] { [("transformer", transformer), ("lm_head", decoder)] }

    public func initialState(batchSize: Int) -> RecurrentState { .none }

    /// Generation re-reads at most the last `blockSize` tokens (nanoGPT's crop).
    public var generationContext: Int? { config.contextSize }

    /// ids [T, B] → ln_f's output [T·B, C]; T must be at most `blockSize`.
    public func features(_ input: [Int], seqLen: Int, batchSize: Int, state: RecurrentState)
        -> (features: Tensor, state: RecurrentState)
    {
        precondition(
            seqLen <= config.contextSize, "GPT: a window of \(seqLen) tokens is longer than the block size \(config.contextSize)")
        let mask = masks[seqLen] ?? MultiheadAttention.causalMask(seqLen)
        masks[seqLen] = mask
        let x = transformer.embed(input, seqLen: seqLen, batchSize: batchSize, start: 0)
        let y = transformer.h.reduce(transformer.drop(x)) { $1($0, mask: mask) }
        return (transformer.lnF(y).reshaped([seqLen * batchSize, config.emsize]), .none)
    }
}

/// nanoGPT's `transformer` ModuleDict: `wte`, `wpe`, `drop`, `h.N`, `ln_f`.
final class GPTTransformer: Module {
    let wte: Embedding
    let wpe: Embedding
    let drop: Dropout
    let h: [GPTBlock]
    let lnF: LayerNorm

    init(_ c: ModelConfig, generator: RandomGenerator) {
        let bias = c.hasBiases
        wte = Embedding(c.vocabularySize, c.emsize, generator: generator)
        wpe = Embedding(c.contextSize, c.emsize, generator: generator)
        for table in [wte.weight, wpe.weight] { for i in 0..<table.count { table.pointer[i] *= 0.02 } }
        drop = Dropout(c.dropout, generator: generator)
        h = (0..<c.nlayers).map { _ in
            GPTBlock(
                embedding: c.emsize, heads: c.attentionHeads, bias: bias, dropout: c.dropout, layers: c.nlayers,
                generator: generator)
        }
        lnF = LayerNorm(c.emsize, bias: bias)
    }

    override func children() -> [(String, Module)] {
        [("wte", wte), ("wpe", wpe), ("drop", drop)] + h.enumerated().map { ("h.\($0.offset)", $0.element) } + [("ln_f", lnF)]
    }

    /// Token plus position embeddings of ids [T, B] at positions start ..< start + T → [T, B, C].
    func embed(_ input: [Int], seqLen: Int, batchSize: Int, start: Int) -> Tensor {
        let positions = (start..<(start + seqLen)).flatMap { Array(repeating: $0, count: batchSize) }
        return wte(input, shape: [seqLen, batchSize]) + wpe(positions, shape: [seqLen, batchSize])
    }
}

extension GPTModel {
    static let spec = ModelKindSpec(
        options: [.nhead, .blockSize, .bias],
        tying: .unsupported("--tied does not apply to GPT: its lm_head always shares wte's weight, as in nanoGPT"),
        problem: { c in
            if let problem = ModelConfig.Limits.problem("--n-head", c.attentionHeads, 1...c.emsize)
                ?? ModelConfig.Limits.problem("--block-size", c.contextSize, 1...ModelConfig.Limits.blockSize)
            {
                return problem
            }
            return c.emsize % c.attentionHeads == 0
                ? nil : "--n-embd \(c.emsize) must be a multiple of --n-head \(c.attentionHeads)"
        },
        make: { config, _, generator in GPTModel(config, generator: generator) },
        tensors: { c in
            let (v, d, bias) = (c.vocabularySize, c.emsize, c.hasBiases)
            func linear(_ prefix: String, _ input: Int, _ output: Int) -> [TensorDeclaration] {
                [TensorDeclaration("\(prefix).weight", [output, input])]
                    + (bias ? [TensorDeclaration("\(prefix).bias", [output])] : [])
            }
            func norm(_ prefix: String) -> [TensorDeclaration] {
                [TensorDeclaration("\(prefix).weight", [d])] + (bias ? [TensorDeclaration("\(prefix).bias", [d])] : [])
            }
            let blocks = (0..<c.nlayers).flatMap { l in
                let p = "transformer.h.\(l)"
                return norm("\(p).ln_1") + linear("\(p).attn.c_attn", d, 3 * d) + linear("\(p).attn.c_proj", d, d)
                    + norm("\(p).ln_2") + linear("\(p).mlp.c_fc", d, 4 * d) + linear("\(p).mlp.c_proj", 4 * d, d)
            }
            return [
                TensorDeclaration("transformer.wte.weight", [v, d]),
                TensorDeclaration("transformer.wpe.weight", [c.contextSize, d])
            ]
                + blocks + norm("transformer.ln_f") + [TensorDeclaration("lm_head.weight", [v, d], .tied)]
        })
}
