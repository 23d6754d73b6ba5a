import Foundation
import Tensor

/// Writes a state dict as PyTorch's `torch.save(state_dict)` does: a zip archive whose
/// `archive/data.pkl` (pickle protocol 2) is an `OrderedDict` of tensors rebuilt by
/// `torch._utils._rebuild_tensor_v2` from `torch.FloatStorage` persistent ids, one
/// `archive/data/<key>` entry per storage. Tensors that are one object (tied weights) share one
/// storage, as PyTorch's do. `torch.load(path)` reads it with its default `weights_only=True`.
///
/// ```swift
/// try TorchSave.write(model.namedTensors(), to: URL(fileURLWithPath: "model.pt"))
/// ```
public enum TorchSave {
    /// The bytes of the file.
    public static func encode(_ tensors: [(String, Tensor)]) throws(TorchError) -> Data {
        var keys: [UnsafeMutablePointer<Float>: Int] = [:]
        var storages: [Tensor] = []
        var pickle = PickleWriter()
        pickle.protocol2()
        pickle.global("collections", "OrderedDict")
        pickle.emptyTuple()
        pickle.reduce()
        for batch in stride(from: 0, to: tensors.count, by: 1000) {
            pickle.mark()
            for (name, tensor) in tensors[batch..<min(batch + 1000, tensors.count)] {
                let key: Int
                if let known = keys[tensor.pointer], storages[known].count == tensor.count {
                    key = known
                } else {
                    key = storages.count
                    keys[tensor.pointer] = key
                    storages.append(tensor)
                }
                pickle.string(name)
                pickle.global("torch._utils", "_rebuild_tensor_v2")
                pickle.mark()
                pickle.mark()
                pickle.string("storage")
                pickle.global("torch", TorchDType.float32.storageName)
                pickle.string(String(key))
                pickle.string("cpu")
                pickle.int(tensor.count)
                pickle.tuple()
                pickle.persistentID()
                pickle.int(0)
                pickle.intTuple(tensor.shape)
                pickle.intTuple(contiguousStrides(tensor.shape))
                pickle.bool(false)
                pickle.global("collections", "OrderedDict")
                pickle.emptyTuple()
                pickle.reduce()
                pickle.tuple()
                pickle.reduce()
            }
            pickle.setItems()
        }
        pickle.stop()

        var zip = ZipWriter()
        try zip.add("archive/data.pkl", pickle.data)
        try zip.add("archive/.format_version", Data("1".utf8))
        try zip.add("archive/.storage_alignment", Data("64".utf8))
        try zip.add("archive/byteorder", Data("little".utf8))
        for (key, tensor) in storages.enumerated() {
            var bytes = Data(capacity: 4 * tensor.count)
            for i in 0..<tensor.count {
                withUnsafeBytes(of: tensor.pointer[i].bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            }
            try zip.add("archive/data/\(key)", bytes)
        }
        try zip.add("archive/version", Data("3\n".utf8))
        return zip.finished()
    }

    /// Writes the file atomically (`writeAtomically`): an interrupted write leaves the old file.
    public static func write(_ tensors: [(String, Tensor)], to url: URL) throws {
        try writeAtomically(try encode(tensors), to: url)
    }

    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in shape.indices.reversed() {
            strides[axis] = running
            running *= max(shape[axis], 1)
        }
        return strides
    }
}

/// The few pickle opcodes `TorchSave` writes (protocol 2).
struct PickleWriter {
    private(set) var data = Data()

    mutating func protocol2() { data.append(contentsOf: [0x80, 2]) }
    mutating func stop() { data.append(0x2E) }
    mutating func mark() { data.append(0x28) }
    mutating func tuple() { data.append(0x74) }
    mutating func emptyTuple() { data.append(0x29) }
    mutating func reduce() { data.append(0x52) }
    mutating func setItems() { data.append(0x75) }
    mutating func persistentID() { data.append(0x51) }
    mutating func bool(_ value: Bool) { data.append(value ? 0x88 : 0x89) }

    mutating func global(_ module: String, _ name: String) {
        data.append(0x63)
        data.append(contentsOf: Array("\(module)\n\(name)\n".utf8))
    }

    mutating func string(_ text: String) {
        let bytes = Array(text.utf8)
        data.append(0x58)
        data.append32(UInt32(bytes.count))
        data.append(contentsOf: bytes)
    }

    mutating func int(_ value: Int) {
        switch value {
        case 0..<256: data.append(contentsOf: [0x4B, UInt8(value)])
        case 256..<65536:
            data.append(0x4D)
            data.append16(UInt16(value))
        case Int(Int32.min)...Int(Int32.max):
            data.append(0x4A)
            data.append32(UInt32(bitPattern: Int32(value)))
        default:
            data.append(contentsOf: [0x8A, 8])
            withUnsafeBytes(of: Int64(value).littleEndian) { data.append(contentsOf: $0) }
        }
    }

    mutating func intTuple(_ values: [Int]) {
        mark()
        for value in values { int(value) }
        tuple()
    }
}
