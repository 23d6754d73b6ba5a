/// Why a PyTorch `torch.save` file could not be read: one line. `refused` names a pickle global
/// outside the allow-list (the reader never calls anything a pickle names); the others say what
/// is malformed or unsupported.
public enum TorchError: Error, Equatable, CustomStringConvertible {
    /// The pickle names a global that is neither a tensor nor a container (`os.system`, …).
    case refused(String)
    /// The zip archive around the pickle is broken or uses what torch.save never writes.
    case badArchive(String)
    /// The pickle stream is broken or uses an opcode this reader does not know.
    case badPickle(String)
    /// The objects are well formed but not something the reader can turn into tensors.
    case unsupported(String)

    public var description: String {
        switch self {
        case .refused(let global): "pickle names \(global), which is not a tensor or container"
        case .badArchive(let why): "not a readable torch.save archive: \(why)"
        case .badPickle(let why): "corrupt pickle: \(why)"
        case .unsupported(let why): why
        }
    }
}
