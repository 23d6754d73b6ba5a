import Testing
import Train

/// `--save PATH`: a `.pt` or `.safetensors` path is a checkpoint file with its run folder beside it.
@Suite struct SaveTargetTests {
    @Test func checkpointFilesKeepTheirRunFolderBesideThem() {
        let torch = SaveTarget("out/model.pt")
        #expect(torch.folder == "out/model.run" && torch.file == "out/model.pt" && torch.format == .torch)
        let safetensors = SaveTarget("m.safetensors")
        #expect(safetensors.folder == "m.run" && safetensors.file == "m.safetensors" && safetensors.format == .safetensors)
    }

    @Test func otherPathsAreRunFolders() {
        for path in ["runs/ptb", "model.pt/", ".pt", "dir/.safetensors", "v1.5", "x.ptx", "h"] {
            let target = SaveTarget(path)
            #expect(target.folder == path && target.file == nil && target.format == nil, "\(path)")
        }
    }
}
