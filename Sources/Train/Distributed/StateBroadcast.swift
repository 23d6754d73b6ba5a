import NN
import Tensor

extension Communicator {
    /// Copies rank `root`'s parameters and buffers into the same module on every other rank, so
    /// that all ranks start from identical weights whatever their random streams did.
    public func broadcastState(of module: Module, root: Int = 0) {
        guard size > 1 else { return }
        var seen = Set<ObjectIdentifier>()
        for (_, tensor) in module.namedTensors() where seen.insert(ObjectIdentifier(tensor)).inserted {
            broadcast(UnsafeMutableBufferPointer(start: tensor.pointer, count: tensor.count), root: root)
        }
    }
}
