import Analysis
import ArgumentParser
import Foundation
import Models

/// `perplex export-vectors`: a checkpoint's input embedding as a fastText-style `.vec` file.
struct ExportVectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-vectors", abstract: "Write a checkpoint's word embedding as a .vec text file.")

    @Option(help: "A model.safetensors file, a run folder or a PyTorch .pt file (with --data).") var checkpoint: String
    @Option(help: "The .vec file to write (header 'count dim', then 'word v1 … vd' per line).") var output: String
    @OptionGroup var torch: TorchDataOption

    func run() throws {
        let vectors: WordVectors
        do { vectors = try WordVectors(checkpoint: Checkpoint.url(checkpoint), torch: torch.options) } catch {
            throw fail("\(error)")
        }
        do { try vectors.writeVecFile(to: URL(fileURLWithPath: output)) } catch {
            throw fail("cannot write \(output): \(error.localizedDescription)")
        }
        print("| wrote \(vectors.count) vectors of dimension \(vectors.dimension) to \(output)")
    }
}
