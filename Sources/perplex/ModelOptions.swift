import ArgumentParser
import Foundation
import Models

extension ModelKind: ExpressibleByArgument {}
extension HiddenActivation: ExpressibleByArgument {}
extension SentenceContext: ExpressibleByArgument {}

/// The flags that shape a model, shared by `train` and `params`. Kind-specific flags stay nil
/// unless given, so `ModelConfig.validate()` can reject one given to a kind it does not fit.
struct ModelOptions: ParsableArguments {
    @Option(help: "The model kind: \(ModelKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: ModelKind = .lstm
    @Option(
        name: [.customLong("emsize"), .customLong("n-embd"), .customLong("n_embd")], parsing: .unconditional,
        help: "Size of word embeddings (default 200; not for CharCNN; GPT: n_embd).")
    var emsize: Int?
    @Option(parsing: .unconditional, help: "Hidden units per layer (Transformer: feed-forward width; GatedCNN: channels).")
    var nhid = 200
    @Option(
        name: [.customLong("nlayers"), .customLong("n-layer"), .customLong("n_layer")], parsing: .unconditional,
        help: "Number of layers (GatedCNN, GatedCNN_RNN: convolution blocks; GPT: blocks).")
    var nlayers = 2
    @Option(
        name: [.customLong("nhead"), .customLong("n-head"), .customLong("n_head")], parsing: .unconditional,
        help: "Transformer, GPT: attention heads (default 2).")
    var nhead: Int?
    @Option(
        name: [.customLong("block-size"), .customLong("block_size")], parsing: .unconditional,
        help: "GPT: the longest context, in tokens (default 1024; also the training window).")
    var blockSize: Int?
    @Option(help: "GPT: biases in its Linear and LayerNorm layers, true or false (default false, as nanoGPT's train.py).")
    var bias: Bool?
    @Flag(
        name: [.customLong("final-norm"), .customLong("final_norm")],
        help: "Transformer: a LayerNorm after the last encoder layer (today's recipe, an nn.Transformer, has one).")
    var finalNorm = false
    @Flag(help: "Tie the word embedding and softmax weights.") var tied = false
    @Option(parsing: .unconditional, help: "NPLM, NGRAM_RNN: words per n-gram (n − 1 context words; default 4).")
    var ngram: Int?
    @Option(
        name: [.customLong("backprop-steps"), .customLong("backprop_steps")], parsing: .unconditional,
        help: "NGRAM_RNN: backpropagate through the last K of its n − 1 steps only (default n − 1: all).")
    var backpropSteps: Int?
    @Option(
        name: [.customLong("hidden-act"), .customLong("hidden_act")],
        help: "NPLM: hidden activation, linear or tanh (default tanh).")
    var hiddenAct: HiddenActivation?
    @Option(
        name: [.customLong("kernel-size"), .customLong("kernel_size")], parsing: .unconditional,
        help: "GatedCNN, GatedCNN_RNN: convolution width (default 3).")
    var kernelSize: Int?
    @Option(
        name: [.customLong("rnn-layers"), .customLong("rnn_layers")], parsing: .unconditional,
        help: "GatedCNN_RNN: LSTM layers (default 1).")
    var rnnLayers: Int?
    @Option(
        name: [.customLong("attention-window"), .customLong("attention_window")], parsing: .unconditional,
        help: "AttentionLSTM: previous outputs each step attends over (default 10).")
    var attentionWindow: Int?
    @Option(
        name: [.customLong("char-emsize"), .customLong("char_emsize")], parsing: .unconditional,
        help: "CharCNN: character embedding size (default 15).")
    var charEmsize: Int?
    @Option(
        name: [.customLong("max-filter-width"), .customLong("max_filter_width")], parsing: .unconditional,
        help: "CharCNN: filters of widths 1…N characters (default 6).")
    var maxFilterWidth: Int?
    @Option(
        name: [.customLong("feature-maps"), .customLong("feature_maps")], parsing: .unconditional,
        help: "CharCNN: feature maps per unit of filter width (default 25: width w has 25·w).")
    var featureMaps: Int?
    @Option(
        name: [.customLong("highway-layers"), .customLong("highway_layers")], parsing: .unconditional,
        help: "CharCNN: highway layers (default 1).")
    var highwayLayers: Int?
    @Option(
        help:
            "RNN_TANH, RNN_RELU, LSTM, GRU: what the decoder reads beside the output: \(SentenceContext.spellings) (default none; previous-sentence: the previous sentence's mean word embedding, not with --tied)."
    )
    var context: SentenceContext?
    @Flag(
        help:
            "RNN_TANH, RNN_RELU, LSTM, GRU, Transformer: an adaptive softmax (PyTorch's AdaptiveLogSoftmaxWithLoss) in place of the linear decoder; needs --cutoffs, not with --tied."
    )
    var adaptive = false
    @Option(help: "With --adaptive: the first word id of each tail cluster, increasing, comma-separated (e.g. 2000,20000).")
    var cutoffs: String?
    @Option(
        name: [.customLong("div-value"), .customLong("div_value")], parsing: .unconditional,
        help: "With --adaptive: tail cluster i projects the features to features / D^(i+1) (default 4).")
    var divValue: Float?

    /// The adaptive softmax the flags ask for, or nil; flags given without `--adaptive` are refused.
    func adaptiveSoftmax() throws(ModelConfigError) -> AdaptiveSoftmaxConfig? {
        guard adaptive else {
            if cutoffs != nil || divValue != nil {
                throw ModelConfigError(description: "\(cutoffs != nil ? "--cutoffs" : "--div-value") needs --adaptive")
            }
            return nil
        }
        guard let cutoffs else { throw ModelConfigError(description: "--adaptive needs --cutoffs (e.g. --cutoffs 2000,20000)") }
        var values: [Int] = []
        for part in cutoffs.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Int(part.trimmingCharacters(in: .whitespaces)) else {
                throw ModelConfigError(description: "--cutoffs must be comma-separated word ids, got '\(cutoffs)'")
            }
            values.append(value)
        }
        return AdaptiveSoftmaxConfig(cutoffs: values, divValue: divValue ?? 4)
    }

    /// The configuration the flags give before the data fixes the vocabulary (see
    /// `ModelConfig.fitted(words:)`); not yet validated.
    func template(dropout: Float) throws(ModelConfigError) -> ModelConfig {
        // A kind that spells its words has no word embedding.
        if model.spec.options.contains(.characters), emsize != nil {
            throw ModelConfigError(
                description:
                    "--emsize does not apply to \(model.rawValue) (its word vectors come from characters; see --char-emsize)")
        }
        return ModelConfig(
            kind: model, vocabularySize: 0, emsize: emsize ?? 200, nhid: nhid, nlayers: nlayers, nhead: nhead,
            dropout: dropout, tied: tied, ngram: ngram, hiddenActivation: hiddenAct, kernelSize: kernelSize,
            rnnLayers: rnnLayers, attentionWindow: attentionWindow, charEmsize: charEmsize,
            maxFilterWidth: maxFilterWidth, featureMaps: featureMaps, highwayLayers: highwayLayers, blockSize: blockSize,
            bias: bias, finalNorm: finalNorm ? true : nil, backpropSteps: backpropSteps, context: context,
            adaptiveSoftmax: try adaptiveSoftmax())
    }

    /// The validated configuration for a vocabulary of `vocabularySize` words (and, for kinds that
    /// spell words, `characters` characters), kind-specific fields resolved.
    func config(vocabularySize: Int, dropout: Float, characters: Int) throws(ModelConfigError) -> ModelConfig {
        var config = try template(dropout: dropout)
        config.vocabularySize = vocabularySize
        if config.kind.spec.options.contains(.characters) {
            (config.characters, config.maxWordLength) = (characters, config.widestFilter)
        }
        try config.validate()
        return config.resolved()
    }
}
