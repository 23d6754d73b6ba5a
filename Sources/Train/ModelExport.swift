import Formats
import Foundation
import Models

/// The model files a run writes in formats other than Perplex checkpoints: a PyTorch `.pt` state
/// dict (`--save X.pt`) and an ONNX graph (`--onnx-export`), each one call into its format's writer.
public enum ModelExport {
    /// Writes the model's state dict at `url` as `torch.save(model.state_dict(), url)` would, under
    /// the recipe's names (today's recipe Transformer is an `nn.Transformer`).
    public static func writeTorch(_ model: any LanguageModel, to url: URL) throws {
        try TorchSave.write(TorchRecipeNames.stateDict(of: model), to: url)
    }

    /// Why a model of `config` cannot be exported to ONNX (nil when it can), known before training.
    public static func onnxProblem(_ config: ModelConfig) -> String? { ONNXExport.problem(config) }

    /// Writes the model as an ONNX graph at `url`. Its batch and sequence axes are dynamic, so any
    /// window runs (the recipe's `export_onnx` traces batch 1 and `--bptt` steps).
    public static func writeONNX(_ model: any LanguageModel, to url: URL) throws {
        try ONNXExport.write(model, to: url)
    }
}
