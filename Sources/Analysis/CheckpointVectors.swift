import Foundation
import Models
import Tensor
import Text

extension WordVectors {
    /// The input embedding of a language model (its `encoder.weight`, [vocabulary, emsize]) as
    /// word vectors, row `i` for `vocabulary[i]`.
    public init(model: any LanguageModel, vocabulary: Vocabulary, source: String = "model") throws(WordVectorsError) {
        guard let embedding = model.namedTensors().first(where: { $0.0 == "encoder.weight" })?.1 else {
            throw .noEmbedding(source)
        }
        try self.init(words: vocabulary.words, matrix: embedding.detach().copy())
    }

    /// The input embedding of a checkpoint written by `Checkpoint.save`, or of a PyTorch `.pt`
    /// file (`torch` names its vocabulary's corpus).
    public init(checkpoint url: URL, torch: TorchImportOptions = TorchImportOptions()) throws {
        let loaded = try Checkpoint.load(url, torch: torch)
        try self.init(model: loaded.model, vocabulary: loaded.vocabulary, source: url.path)
    }
}
