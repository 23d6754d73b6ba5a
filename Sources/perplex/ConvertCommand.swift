import ArgumentParser
import Formats
import Foundation
import Models
import Text
import Train

/// `perplex convert model.pt --data DIR --out RUN`: a PyTorch word_language_model file (or
/// nanoGPT's ckpt.pt, `--data input.txt`) as a run folder.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract:
            "Turn a PyTorch .pt file of the word_language_model recipe (torch.save(model) or its state_dict()) or nanoGPT's ckpt.pt into a run folder."
    )

    @Argument(help: "The .pt file.") var file: String
    @OptionGroup var torch: TorchDataOption
    @Option(help: "The run folder to write (or a .pt file, for a state dict of a checkpoint).") var out: String
    @Option(help: "For a state dict of a plain RNN: RNN_TANH (default) or RNN_RELU (their tensors are alike).")
    var model: ModelKind?
    @Option(parsing: .unconditional, help: "For a Transformer state dict: attention heads (default 2; a whole model says).")
    var nhead: Int?
    @Flag(help: "Replace a run folder that already holds a trained model.") var overwrite = false

    func run() throws {
        let input = Checkpoint.url(file)
        if !Checkpoint.isTorchFile(input), Checkpoint.isTorchFile(URL(fileURLWithPath: out)) { return try writeTorch(input) }
        guard torch.data != nil else {
            throw fail(
                "--data is needed: a .pt file holds no vocabulary (the recipe rebuilds it from its corpus folder; nanoGPT's char-level ckpt.pt takes its input.txt)"
            )
        }
        var options = torch.options
        (options.kind, options.nhead) = (model, nhead)
        let converted: TorchConversion
        do {
            converted = try TorchConversion.convert(URL(fileURLWithPath: file), options: options, into: out, overwrite: overwrite)
        } catch {
            throw fail("\(error)")
        }
        if let note = converted.note { print("| note: \(note)") }
        let c = converted.model.config
        print(
            "| \(c.kind.rawValue) emsize \(c.emsize) nhid \(c.nhid) nlayers \(c.nlayers)\(c.kind == .transformer ? " nhead \(c.attentionHeads)\(c.hasFinalNorm ? " final norm" : "")" : "")\(c.tied ? " tied" : ""), vocabulary \(converted.vocabulary.count), \(converted.model.parameterCount) parameters → \(out)"
        )
    }

    /// A checkpoint's tensors under the recipe's names as a torch.save state dict.
    func writeTorch(_ input: URL) throws {
        let loaded: (model: any LanguageModel, vocabulary: Vocabulary)
        do { loaded = try Checkpoint.load(input) } catch { throw fail("\(error)") }
        do { try TorchSave.write(TorchRecipeNames.stateDict(of: loaded.model), to: URL(fileURLWithPath: out)) } catch {
            throw fail("\(error)")
        }
        print(
            "| wrote the \(loaded.model.config.kind.rawValue) state dict to \(out) (vocabulary: \(loaded.vocabulary.count) words, not in the file)"
        )
    }
}
