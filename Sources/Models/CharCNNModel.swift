import NN
import Tensor
import Text

/// Kim et al. (2016)'s character-aware language model: each word is spelled by its characters
/// (`CharacterVocabulary`: begin and end markers, padded to the longest word), embedded, convolved
/// by filters of every width w = 1 … W (`featureMaps`·w maps each, tanh), max-pooled over time,
/// concatenated and passed through highway layers; the word vectors then run as the recipe's:
/// dropout → LSTM → dropout → word-level linear decoder.
///
/// The convolutions run once per distinct word of a window (their result depends on the word only),
/// as products of character windows with each kernel. The character spelling of every word is a
/// buffer, so a checkpoint alone rebuilds the model. Names: `char_encoder.weight` [C, e],
/// `convs.N.weight` [maps, e, w] / `.bias`, `highway.layers.N.transform` / `.gate`,
/// `rnn.weight_ih_l0` …, `decoder.weight`, `decoder.bias`, buffer `word_chars` [V, word length]
/// (character ids as floats). Init: U(±0.1) character embedding and decoder, zero decoder bias,
/// highway gates biased to −2, PyTorch's for the rest.
public final class CharCNNModel: Module, LanguageModel {
    public let config: ModelConfig
    let drop: Dropout
    let charEncoder: Embedding
    let convs: [Conv1d]
    let highway: Highway
    let rnn: LSTM
    public let decoder: Linear
    /// Character ids of every word, [V, maxWordLength].
    let wordChars: Tensor
    let wordLength: Int

    /// `words` (id order) spell the words; without them (or with a character vocabulary of
    /// another size) the spelling waits for a state dict.
    public init(_ config: ModelConfig, words: [String]?, generator: RandomGenerator = .global) {
        self.config = config
        let e = config.characterEmsize
        let characters = config.characters ?? CharacterVocabulary.endOfWord + 1
        wordLength = Swift.max(config.maxWordLength ?? 0, config.widestFilter)
        drop = Dropout(config.dropout, generator: generator)
        charEncoder = Embedding(characters, e, generator: generator)
        fillUniform(charEncoder.weight, bound: 0.1, generator)
        convs = config.filterWidths.map { Conv1d(e, config.mapsPerWidth * $0, kernelSize: $0, generator: generator) }
        let features = convs.reduce(0) { $0 + $1.weight.shape[0] }
        highway = Highway(features, layerCount: config.highwayCount, generator: generator)
        rnn = LSTM(
            inputSize: features, hiddenSize: config.nhid, numLayers: config.nlayers, dropout: config.dropout,
            generator: generator)
        decoder = recipeDecoder(config, inFeatures: config.nhid, tiedTo: nil, generator)
        wordChars = Tensor.zeros([config.vocabularySize, wordLength])
        if let words, words.count == config.vocabularySize {
            let spelling = CharacterVocabulary(words: words)
            if spelling.count == characters {
                for (i, id) in spelling.table(for: words, width: wordLength).enumerated() { wordChars.pointer[i] = Float(id) }
            }
        }
    }

    override public func ownTensors() -> [(String, Tensor)] { [("word_chars", wordChars)] }

    override public func children() -> [(String, Module)] {
        [("drop", drop), ("char_encoder", charEncoder)] + convs.enumerated().map { ("convs.\($0.offset)", $0.element) }
            + [("highway", highway), ("rnn", rnn), ("decoder", decoder)]
    }

    public func initialState(batchSize: Int) -> RecurrentState {
        let zeros = { Tensor.zeros([self.config.nlayers, batchSize, self.config.nhid]) }
        return .lstm(h: zeros(), c: zeros())
    }

    /// Word vectors [words.count, features] of word ids from their characters.
    func wordFeatures(_ words: [Int]) -> Tensor {
        let (count, width, e) = (words.count, wordLength, config.characterEmsize)
        // Characters time-major, [width, count]: position k of every word, then k + 1, ….
        var chars = [Int](repeating: CharacterVocabulary.padding, count: width * count)
        for (u, id) in words.enumerated() {
            let spelling = wordChars.pointer + id * width
            for k in 0..<width { chars[k * count + u] = Int(spelling[k]) }
        }
        let embedded = charEncoder(chars, shape: [width, count])  // [width, count, e]
        let maps = convs.map { conv -> Tensor in
            let (out, w) = (conv.weight.shape[0], conv.weight.shape[2])
            let kernel = conv.weight.permuted([0, 2, 1]).reshaped([out, w * e])
            let activations = Tensor.linear(embedded.slidingWindows(width: w), weight: kernel, bias: conv.bias).tanh()
            return activations.max(axis: 0)  // max over time: [count, out]
        }
        return highway(Tensor.concat(maps, axis: 1))
    }

    public func features(_ input: [Int], seqLen: Int, batchSize: Int, state: RecurrentState)
        -> (features: Tensor, state: RecurrentState)
    {
        guard case .lstm(let h0, let c0) = state else { preconditionFailure("CharCNNModel: state \(state) is not .lstm") }
        // The window's distinct words in first-seen order, and each position's index among them.
        var slot: [Int: Int] = [:]
        var distinct: [Int] = []
        var positions: [Int] = []
        positions.reserveCapacity(input.count)
        for id in input {
            if let s = slot[id] {
                positions.append(s)
                continue
            }
            slot[id] = distinct.count
            positions.append(distinct.count)
            distinct.append(id)
        }
        let words = wordFeatures(distinct)
        let features = words.indexSelect(axis: 0, positions).reshaped([seqLen, batchSize, words.shape[1]])
        let (output, (h, c)) = rnn(drop(features), (h0, c0))
        return (drop(output).reshaped([seqLen * batchSize, config.nhid]), .lstm(h: h, c: c))
    }
}

extension CharCNNModel {
    static let spec = ModelKindSpec(
        options: [.charEmsize, .maxFilterWidth, .featureMaps, .highwayLayers, .characters, .maxWordLength],
        tying: .unsupported("--tied does not apply to CharCNN (its words have no input embedding)"),
        problem: { c in
            typealias Limits = ModelConfig.Limits
            if let problem = Limits.problem("--char-emsize", c.characterEmsize, 1...Limits.width)
                ?? Limits.problem("--max-filter-width", c.widestFilter, 1...Limits.filterWidth)
                ?? Limits.problem("--feature-maps", c.mapsPerWidth, 1...Limits.featureMaps)
                ?? Limits.problem("--highway-layers", c.highwayCount, 0...Limits.layers)
            {
                return problem
            }
            guard let characters = c.characters, let length = c.maxWordLength else {
                return "CharCNN needs its character vocabulary and word length"
            }
            if characters < 1 || characters > Limits.characters {
                return "the character vocabulary must have 1…\(Limits.characters) characters, got \(characters)"
            }
            if length < c.widestFilter || length > Limits.wordLength {
                return
                    "the word length must be in --max-filter-width (\(c.widestFilter))…\(Limits.wordLength) characters, got \(length)"
            }
            return nil
        },
        make: { config, words, generator in CharCNNModel(config, words: words, generator: generator) },
        tensors: { c in
            let (e, maps) = (c.characterEmsize, c.mapsPerWidth)
            let characters = c.characters ?? CharacterVocabulary.endOfWord + 1
            let wordLength = Swift.max(c.maxWordLength ?? 0, c.widestFilter)
            let convolutions = c.filterWidths.flatMap { w in
                [
                    TensorDeclaration("convs.\(w - 1).weight", [maps * w, e, w]),
                    TensorDeclaration("convs.\(w - 1).bias", [maps * w])
                ]
            }
            let features = c.filterWidths.reduce(0) { $0 + maps * $1 }
            let highway = (0..<c.highwayCount).flatMap { l in
                linearTensors("highway.layers.\(l).transform", input: features, output: features)
                    + linearTensors("highway.layers.\(l).gate", input: features, output: features)
            }
            return [TensorDeclaration("word_chars", [c.vocabularySize, wordLength], .buffer)]
                + [TensorDeclaration("char_encoder.weight", [characters, e])] + convolutions + highway
                + recurrentTensors("rnn", gates: 4, input: features, hidden: c.nhid, layers: c.nlayers)
                + linearTensors("decoder", input: c.nhid, output: c.vocabularySize)
        })
}
