import Foundation
import Text

/// What `perplex train --save PATH` names. A path ending in `.pt` or `.safetensors` is a
/// checkpoint file, as the recipe's `--save model.pt` is: the best model is written there
/// whenever validation improves, and the run folder (config.json, metrics.jsonl, …) is kept
/// beside it, at PATH without its extension plus `.run` (`model.pt` → `model.run`). Any other
/// path is the run folder itself.
///
/// ```swift
/// let target = SaveTarget("out/model.pt")
/// // target.folder == "out/model.run", target.file == "out/model.pt", target.format == .torch
/// ```
public struct SaveTarget: Equatable, Sendable {
    /// The format of a checkpoint file, by its extension.
    public enum FileFormat: String, Sendable, CaseIterable {
        /// `.pt`: a PyTorch state dict, as `torch.save(model.state_dict(), path)` writes it.
        case torch = "pt"
        /// `.safetensors`: a Perplex checkpoint (the run folder's model.safetensors).
        case safetensors

        /// The format `path`'s extension names, or nil for another path (a bare `.pt`, or one
        /// ending in `/`, which names a folder).
        public init?(path: String) {
            guard !path.hasSuffix("/") else { return nil }
            let name = path.split(separator: "/").last.map(String.init) ?? ""
            guard
                let format = Self.allCases.first(where: {
                    name.count > $0.rawValue.count + 1 && name.hasSuffix(".\($0.rawValue)")
                })
            else { return nil }
            self = format
        }
    }

    /// The run folder.
    public let folder: String
    /// The checkpoint file, when PATH names one.
    public let file: String?

    /// The checkpoint file's format (nil for a run folder alone).
    public var format: FileFormat? { file.flatMap(FileFormat.init(path:)) }

    public init(_ path: String) {
        guard let format = FileFormat(path: path) else {
            (folder, file) = (path, nil)
            return
        }
        (folder, file) = (String(path.dropLast(format.rawValue.count + 1)) + ".run", path)
    }

    /// The checkpoint to read for `path`: a `.pt` file saved with a run folder beside it is read
    /// through that folder (its model.safetensors holds the same weights, with the configuration
    /// and vocabulary a state dict lacks); any other path as it is.
    public static func readablePath(_ path: String) -> String {
        let target = SaveTarget(path)
        return target.format == .torch && RunFolder.holdsModel(target.folder) ? target.folder : path
    }

    /// The folder with the tokenizer (`tokenizer.json`) of the run whose checkpoint `path` names
    /// (a run folder, its model file, or a checkpoint file with its run folder beside it); nil
    /// for a run without one (the word-level recipe's, or a bare PyTorch file).
    public static func tokenizerFolder(ofCheckpoint path: String) -> String? {
        let readable = URL(fileURLWithPath: readablePath(path))
        let folders = [
            RunFolder.isFile(readable) ? readable.deletingLastPathComponent().path : readable.path, SaveTarget(path).folder
        ]
        return folders.first {
            FileManager.default.fileExists(atPath: URL(fileURLWithPath: $0).appendingPathComponent(TokenizerFolder.fileName).path)
        }
    }

    /// Where a run saved as `path` goes on from: the run folder beside a checkpoint file when it
    /// holds a trained model (its last state and best model), else `path` itself.
    public static func resumeSource(_ path: String) -> String {
        let target = SaveTarget(path)
        return target.file != nil && RunFolder.holdsModel(target.folder) ? target.folder : path
    }
}
