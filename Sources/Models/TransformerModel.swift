import Foundation
import NN
import Tensor

/// The recipe's `TransformerModel`: embedding scaled by √emsize → sinusoidal positions → a stack of
/// TransformerEncoderLayers with a causal mask → linear decoder. State-dict names match the recipe
/// (`encoder.weight`, `pos_encoder.pe`, `transformer_encoder.layers.0.self_attn.in_proj_weight` …,
/// `decoder.weight`, `decoder.bias`); `nhid` is the feed-forward width. With `finalNorm` (today's
/// recipe, whose model is an `nn.Transformer`) a LayerNorm, `transformer_encoder.norm`, follows
/// the last layer; `TorchRecipeNames` maps today's recipe names (`input_emb.weight`,
/// `encoder.layers.N.*`, `encoder.norm.*`) onto these.
public final class TransformerModel: Module, LanguageModel {
    public let config: ModelConfig
    let positionalEncoding: PositionalEncoding
    let transformerEncoder: TransformerEncoder
    let encoder: Embedding
    let output: VocabularyDecoder
    private var masks: [Int: Tensor] = [:]

    public init(_ config: ModelConfig, generator: RandomGenerator = .global) {
        self.config = config
        positionalEncoding = PositionalEncoding(
            dModel: config.emsize, dropout: config.dropout, maxLen: Self.positions, generator: generator)
        transformerEncoder = TransformerEncoder(
            layers: (0..<config.nlayers).map { _ in
                TransformerEncoderLayer(
                    dModel: config.emsize, numHeads: config.attentionHeads, dimFeedforward: config.nhid,
                    dropout: config.dropout, generator: generator)
            }, norm: config.hasFinalNorm ? LayerNorm(config.emsize) : nil)
        encoder = Embedding(config.vocabularySize, config.emsize, generator: generator)
        // The generator's draws stay in the order they had before the adaptive softmax existed.
        let linear = config.adaptiveSoftmax == nil ? Linear(config.emsize, config.vocabularySize, generator: generator) : nil
        fillUniform(encoder.weight, bound: 0.1, generator)
        output = VocabularyDecoder(config, inFeatures: config.emsize, generator) {
            guard let linear else { preconditionFailure("a linear decoder was not drawn") }
            fillUniform(linear.weight, bound: 0.1, generator)
            linear.bias?.pointer.update(repeating: 0, count: config.vocabularySize)
            return linear
        }
    }

    public var decoder: Linear { output.linearLayer }
    public var adaptiveSoftmax: AdaptiveLogSoftmaxWithLoss? { output.adaptiveLayer }

    override public func children() -> [(String, Module)] {
        [
            ("pos_encoder", positionalEncoding), ("transformer_encoder", transformerEncoder),
            ("encoder", encoder), ("decoder", output.module)
        ]
    }

    public func initialState(batchSize: Int) -> RecurrentState { .none }

    /// Rows of the positional table (`pos_encoder.pe`, [positions, 1, emsize]), the recipe's.
    static let positions = 5000

    /// Generation re-reads up to this many tokens (the positional table holds 5000).
    public var generationContext: Int? { 1024 }

    public func features(_ input: [Int], seqLen: Int, batchSize: Int, state: RecurrentState)
        -> (features: Tensor, state: RecurrentState)
    {
        let mask = masks[seqLen] ?? MultiheadAttention.causalMask(seqLen)
        masks[seqLen] = mask
        let embedded = encoder(input, shape: [seqLen, batchSize]) * Float(config.emsize).squareRoot()
        let output = transformerEncoder(positionalEncoding(embedded), mask: mask)
        return (output.reshaped([seqLen * batchSize, config.emsize]), .none)
    }
}

/// A stack of encoder layers, PyTorch's `nn.TransformerEncoder` (`layers.N.*`), with its
/// optional final LayerNorm (`norm.*`).
public final class TransformerEncoder: Module {
    public let layers: [TransformerEncoderLayer]
    public let norm: LayerNorm?

    public init(layers: [TransformerEncoderLayer], norm: LayerNorm? = nil) { (self.layers, self.norm) = (layers, norm) }

    /// x [L, N, E] → [L, N, E], every layer with the same additive `mask`, then the norm if any.
    public func callAsFunction(_ x: Tensor, mask: Tensor? = nil) -> Tensor {
        let output = layers.reduce(x) { $1($0, mask: mask) }
        return norm.map { $0(output) } ?? output
    }
}

extension TransformerModel {
    static let spec = ModelKindSpec(
        options: [.nhead, .finalNorm, .adaptive],
        tying: .unsupported("--tied is not supported for the Transformer (as in the recipe)"),
        problem: { c in
            if let problem = ModelConfig.Limits.problem("--nhead", c.attentionHeads, 1...c.emsize) { return problem }
            if let problem = c.adaptiveSoftmax?.problem(inFeatures: c.emsize, vocabularySize: c.vocabularySize) {
                return problem
            }
            return c.emsize % c.attentionHeads == 0
                ? nil : "--emsize \(c.emsize) must be a multiple of --nhead \(c.attentionHeads)"
        },
        make: { config, _, generator in TransformerModel(config, generator: generator) },
        tensors: { c in
            let (v, d, f) = (c.vocabularySize, c.emsize, c.nhid)
            let layers = (0..<c.nlayers).flatMap { l in
                let prefix = "transformer_encoder.layers.\(l)"
                return [
                    TensorDeclaration("\(prefix).self_attn.in_proj_weight", [3 * d, d]),
                    TensorDeclaration("\(prefix).self_attn.in_proj_bias", [3 * d])
                ] + linearTensors("\(prefix).self_attn.out_proj", input: d, output: d)
                    + linearTensors("\(prefix).linear1", input: d, output: f)
                    + linearTensors("\(prefix).linear2", input: f, output: d)
                    + [
                        TensorDeclaration("\(prefix).norm1.weight", [d]), TensorDeclaration("\(prefix).norm1.bias", [d]),
                        TensorDeclaration("\(prefix).norm2.weight", [d]), TensorDeclaration("\(prefix).norm2.bias", [d])
                    ]
            }
            let norm =
                c.hasFinalNorm
                ? [
                    TensorDeclaration("transformer_encoder.norm.weight", [d]),
                    TensorDeclaration("transformer_encoder.norm.bias", [d])
                ]
                : []
            return [TensorDeclaration("pos_encoder.pe", [TransformerModel.positions, 1, d], .buffer)] + layers + norm
                + [TensorDeclaration("encoder.weight", [v, d])] + decoderTensors(c, input: d)
        })
}
