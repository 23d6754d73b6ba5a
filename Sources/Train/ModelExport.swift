import Foundation
import Models

/// The model files a run writes in formats other than Perplex checkpoints: a PyTorch `.pt` state
/// dict (`--save X.pt`) and an ONNX graph (`--onnx-export`). Each is one call into its format's
/// writer; `torchUnavailable` and `onnxUnavailable` say, before any training, when this build
/// has no such writer.
public enum ModelExport {
    /// Why this build cannot write `.pt` files (nil when it can).
    public static let torchUnavailable: String? =
        ".pt saving needs TorchSave.write (branch pt-reader), not in this build yet; --save PATH.safetensors or a run folder works"

    /// Writes the model's state dict at `url` as `torch.save(model.state_dict(), url)` would.
    public static func writeTorch(_ model: any LanguageModel, to url: URL) throws {
        if let torchUnavailable { throw TrainError(description: torchUnavailable) }
    }

    /// Why this build cannot export ONNX (nil when it can).
    public static let onnxUnavailable: String? =
        "--onnx-export needs the ONNX exporter (branch onnx-export), not in this build yet"

    /// Writes the model as an ONNX graph at `url`, its input `seqLen` × `batchSize` token ids
    /// (the recipe's `export_onnx` uses batch 1 and `--bptt` steps).
    public static func writeONNX(_ model: any LanguageModel, to url: URL, batchSize: Int, seqLen: Int) throws {
        if let onnxUnavailable { throw TrainError(description: onnxUnavailable) }
    }
}
