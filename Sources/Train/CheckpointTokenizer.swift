import Foundation
import Models
import Text

/// The tokenizer that reads text for a checkpoint: the one its run folder keeps (`--tokenizer`
/// runs), or for a nanoGPT `ckpt.pt` read with a char-level data set's input.txt, that file's
/// characters (as nanoGPT's prepare.py takes them). Nil for a word-level run, whose vocabulary
/// is the checkpoint's.
public enum CheckpointTokenizer {
    /// The tokenizer and, when it comes from a run folder, that folder (whose config.json names the data).
    public static func load(checkpoint path: String, data: String?) throws(TrainError) -> (
        tokenizer: any Tokenizer, folder: String?
    )? {
        if let folder = SaveTarget.tokenizerFolder(ofCheckpoint: path) {
            do { return (try TokenizerFolder.load(from: folder), folder) } catch { throw TrainError(description: "\(error)") }
        }
        var isFolder: ObjCBool = false
        guard Checkpoint.isTorchFile(URL(fileURLWithPath: path)), let data,
            FileManager.default.fileExists(atPath: data, isDirectory: &isFolder), !isFolder.boolValue
        else { return nil }
        do { return (CharTokenizer(text: try TokenizerText.read(data)), nil) } catch {
            throw TrainError(description: "--data: \(error)")
        }
    }
}
