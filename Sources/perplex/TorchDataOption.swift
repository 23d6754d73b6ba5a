import ArgumentParser
import Models

/// `--data DIR` for commands that read a checkpoint: a PyTorch `.pt` file holds no vocabulary,
/// so the recipe's corpus folder gives it (as the recipe's data.py builds it).
struct TorchDataOption: ParsableArguments {
    @Option(
        help:
            "For a PyTorch .pt checkpoint: the corpus folder it was trained on (train.txt, valid.txt, test.txt give its vocabulary)."
    )
    var data: String?

    /// What `Checkpoint.load` needs for a `.pt` file.
    var options: TorchImportOptions { TorchImportOptions(data: data) }
}
