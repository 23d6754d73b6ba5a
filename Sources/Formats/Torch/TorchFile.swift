import Foundation

/// A PyTorch `torch.save` file read without running anything: the zip archive's `data.pkl`
/// unpickled by a restricted unpickler (allowed globals only, never called) into plain values,
/// containers, inert object records and tensors whose storages come from `data/<key>`.
///
/// ```swift
/// let file = try TorchFile.read(contentsOf: URL(fileURLWithPath: "model.pt"))
/// if let entries = file.pickle.entries(file.pickle.root) { … }   // a state dict
/// ```
public struct TorchFile {
    /// The unpickled `data.pkl`.
    public let pickle: Pickle

    /// Reads a file: a refused global is "refusing NAME: pickle names …", anything else
    /// "cannot read PATH: …".
    public static func read(contentsOf url: URL) throws(TorchError) -> TorchFile {
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw .unsupported("cannot read \(url.path): \(error.localizedDescription)")
        }
        do { return try decode(data) } catch {
            switch error {
            case .refused: throw .unsupported("refusing \(url.lastPathComponent): \(error)")
            case .badArchive, .badPickle, .unsupported: throw .unsupported("cannot read \(url.path): \(error)")
            }
        }
    }

    /// Magic of the zip archive every torch.save since PyTorch 1.6 writes.
    static let zipMagic: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    /// Most storages a file may name.
    static let maxStorages = 1 << 20

    /// Reads a whole file held in memory.
    public static func decode(_ data: Data) throws(TorchError) -> TorchFile {
        guard Array(data.prefix(4)) == zipMagic else {
            if data.first == 0x80 || data.prefix(2) == Data([0x8A, 0x0A]) {
                throw .unsupported(
                    "the legacy (pre-1.6, non-zip) torch.save format is not read; load and save it again with a current torch")
            }
            throw .badArchive("no zip signature (is it a torch.save file?)")
        }
        let archive = try ZipArchive(data)
        let pickles = archive.entries.filter { $0.name.hasSuffix("/data.pkl") && $0.name.split(separator: "/").count == 2 }
        guard let pickleEntry = pickles.first else {
            if archive.entry("constants.pkl") != nil || archive.entries.contains(where: { $0.name.hasSuffix("/constants.pkl") }) {
                throw .unsupported("a TorchScript archive (torch.jit.save) is not a torch.save file")
            }
            throw .badArchive("no <name>/data.pkl entry")
        }
        let prefix = String(pickleEntry.name.dropLast("data.pkl".count))
        if let order = archive.entry(prefix + "byteorder") {
            let text = String(decoding: try archive.contents(of: order), as: UTF8.self)
            guard text == "little" else {
                throw .unsupported("byte order '\(text.prefix(16))' (only little-endian files are read)")
            }
        }
        var storages: [String: TorchStorage] = [:]
        let stream = Array(try archive.contents(of: pickleEntry))
        var unpickler = Unpickler(stream, archiveBytes: data.count) { (id, nodes) throws(TorchError) in
            let storage = try Self.storage(id, nodes: nodes, archive: archive, prefix: prefix, seen: &storages)
            return .storage(storage)
        }
        return TorchFile(pickle: try unpickler.load())
    }

    /// The storage a persistent id `('storage', type, key, location, count)` names, read once per key.
    private static func storage(
        _ id: PickleValue, nodes: [PickleNode], archive: ZipArchive, prefix: String, seen: inout [String: TorchStorage]
    ) throws(TorchError) -> TorchStorage {
        guard case .node(let index) = id, nodes.indices.contains(index), nodes[index].kind == .tuple,
            nodes[index].items.count == 5, nodes[index].items[0] == .string("storage"),
            case .global(let type) = nodes[index].items[1], case .string(let key) = nodes[index].items[2],
            case .int(let count) = nodes[index].items[4]
        else { throw .badPickle("a persistent id that is not ('storage', type, key, location, count)") }
        guard case .storageType(let dtype) = type.role else { throw .badPickle("\(type) is not a storage type") }
        if let known = seen[key] {
            guard known.dtype == dtype, known.count == count else {
                throw .badPickle("storage \(key) is named twice, differently")
            }
            return known
        }
        guard seen.count < maxStorages else { throw .badPickle("more than \(maxStorages) storages") }
        guard let entry = archive.entry(prefix + "data/" + key) else { throw .badArchive("no entry data/\(key) for a storage") }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.size)
        guard count >= 0, !overflow, entry.size >= bytes else {
            throw .badArchive("storage \(key) holds \(entry.size) bytes, fewer than \(count) × \(dtype.size)")
        }
        let data = try archive.contents(of: entry).prefix(bytes)
        let storage = TorchStorage(key: key, dtype: dtype, count: count, bytes: data)
        seen[key] = storage
        return storage
    }
}
