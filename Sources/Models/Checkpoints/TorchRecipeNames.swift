import Tensor

/// The names today's word_language_model recipe gives its Transformer's tensors (its model is
/// an `nn.Transformer`: `input_emb.weight`, `encoder.layers.N.*`, `encoder.norm.*`) and the
/// names Perplex's `TransformerModel` uses (the older recipe's: `encoder.weight`,
/// `transformer_encoder.layers.N.*`, `transformer_encoder.norm.*`). Every other tensor of the
/// recipe's models (`pos_encoder.pe`, `decoder.*`, the RNN models' all) is named alike.
public enum TorchRecipeNames {
    /// Perplex's name for one of today's recipe Transformer's tensors.
    public static func perplex(_ recipeName: String) -> String {
        if recipeName == "input_emb.weight" { return "encoder.weight" }
        if recipeName.hasPrefix("encoder.") { return "transformer_encoder." + recipeName.dropFirst("encoder.".count) }
        return recipeName
    }

    /// Today's recipe's name for one of Perplex's Transformer's tensors.
    public static func recipe(_ perplexName: String) -> String {
        if perplexName == "encoder.weight" { return "input_emb.weight" }
        if perplexName.hasPrefix("transformer_encoder.") {
            return "encoder." + perplexName.dropFirst("transformer_encoder.".count)
        }
        return perplexName
    }

    /// A model's tensors under the names the recipe's model of its kind loads
    /// (`model.load_state_dict`): a Transformer with a final norm (today's recipe) renamed, every
    /// other model as it is (a Transformer without one is the older recipe's).
    public static func stateDict(of model: any LanguageModel) -> [(String, Tensor)] {
        let tensors = model.namedTensors()
        guard model.config.kind == .transformer, model.config.hasFinalNorm else { return tensors }
        return tensors.map { (recipe($0.0), $0.1) }
    }
}
