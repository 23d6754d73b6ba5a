import Analysis
import ArgumentParser
import Foundation
import Models

/// `--vectors FILE.vec` or `--checkpoint RUN`: where a command's word vectors come from.
struct VectorsOptions: ParsableArguments {
    @Option(help: "Word vectors in fastText/word2vec text format (.vec).") var vectors: String?
    @Option(help: "A model.safetensors file, a run folder or a PyTorch .pt file with --data (its input embedding is used).")
    var checkpoint: String?
    @OptionGroup var torch: TorchDataOption

    func load() throws -> WordVectors {
        switch (vectors, checkpoint) {
        case (nil, nil): throw fail("give --vectors FILE.vec or --checkpoint RUN")
        case (.some, .some): throw fail("give --vectors or --checkpoint, not both")
        case (let path?, nil):
            do { return try WordVectors(contentsOfVecFile: path) } catch { throw fail("\(error)") }
        case (nil, let path?):
            do { return try WordVectors(checkpoint: Checkpoint.url(path), torch: torch.options) } catch { throw fail("\(error)") }
        }
    }
}
