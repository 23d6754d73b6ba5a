import Formats
import Foundation
import Testing

/// Pickles written byte by byte, wrapped in a torch.save-shaped zip: what a hostile or broken
/// file can ask of the reader (deep nesting, copies that multiply, globals named by either
/// opcode, bad memo indices) reads or throws at once.
@Suite struct CraftedPickleTests {
    /// A stored zip of `archive/data.pkl` and `archive/data/<key>` entries (CRCs left 0: the
    /// reader does not check them).
    static func archive(_ pickle: [UInt8], storages: [String: [UInt8]] = [:]) -> Data {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func le(_ value: Int, _ bytes: Int) -> [UInt8] { (0..<bytes).map { UInt8((value >> (8 * $0)) & 0xFF) } }
        let entries =
            [("archive/data.pkl", pickle)] + storages.sorted { $0.key < $1.key }.map { ("archive/data/\($0.key)", $0.value) }
        for (name, contents) in entries {
            let offset = out.count
            let nameBytes = Array(name.utf8)
            let sizes = le(0, 4) + le(contents.count, 4) + le(contents.count, 4) + le(nameBytes.count, 2)
            out += le(0x0403_4b50, 4) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + sizes + le(0, 2) + nameBytes + contents
            central += le(0x0201_4b50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + sizes
            central += le(0, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(offset, 4) + nameBytes
        }
        let directory = out.count
        out += central + le(0x0605_4b50, 4) + le(0, 4) + le(entries.count, 2) + le(entries.count, 2)
        out += le(central.count, 4) + le(directory, 4) + le(0, 2)
        return Data(out)
    }

    static func read(_ pickle: [UInt8], storages: [String: [UInt8]] = [:]) -> String {
        do {
            _ = try TorchFile.decode(archive(pickle, storages: storages))
            return "read"
        } catch { return error.description }
    }

    static func global(_ module: String, _ name: String) -> [UInt8] { [0x63] + Array("\(module)\n\(name)\n".utf8) }

    @Test func aMillionNestedTuplesReadWithoutRecursion() {
        let pickle: [UInt8] = [0x80, 2, 0x4B, 1] + [UInt8](repeating: 0x85, count: 1_000_000) + [0x2E]
        let start = Date()
        #expect(Self.read(pickle) == "read")
        #expect(Date().timeIntervalSince(start) < 20)
    }

    /// A list of 20,000 items copied into a set 20,000 times (6 bytes each) would build 4·10⁸
    /// elements: refused by the budget long before.
    @Test func multiplyingCopiesAreRefused() {
        var pickle: [UInt8] = [0x80, 2] + Self.global("builtins", "set") + [0x71, 0, 0x5D, 0x28]
        pickle += [0x4B, 7] + [UInt8](repeating: 0x32, count: 20_000) + [0x65, 0x71, 1]  // list, memo 1
        for _ in 0..<20_000 { pickle += [0x68, 0, 0x68, 1, 0x85, 0x52, 0x30] }  // set(list); pop
        pickle += [0x4E, 0x2E]
        let start = Date()
        #expect(Self.read(pickle).contains("builds more than"))
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func globalsAreRefusedHoweverNamed() {
        #expect(Self.read([0x80, 2] + Self.global("os", "system") + [0x2E]).contains("pickle names os.system"))
        let stacked: [UInt8] = [0x80, 4, 0x8C, 10] + Array("subprocess".utf8) + [0x8C, 5] + Array("Popen".utf8) + [0x93, 0x2E]
        #expect(Self.read(stacked).contains("pickle names subprocess.Popen"))
        #expect(Self.read([0x80, 2] + Self.global("torch", "load") + [0x2E]).contains("pickle names torch.load"))
        #expect(Self.read([0x80, 2] + Self.global("torch.nn.modules.x", "A;B") + [0x2E]).contains("pickle names"))
    }

    @Test func brokenStreamsThrow() {
        #expect(Self.read([0x80, 2, 0x68, 9, 0x2E]).contains("memo entry 9"))
        #expect(Self.read([0x80, 2, 0x30, 0x2E]).contains("empty stack"))
        #expect(Self.read([0x80, 2, 0x58, 0xFF, 0xFF, 0xFF, 0x7F]).contains("corrupt pickle"))
        #expect(Self.read([0x80, 9, 0x4E, 0x2E]).contains("protocol 9"))
        #expect(Self.read([0x80, 2, 0x49]).contains("unsupported opcode 0x49"))
        #expect(Self.read([0x80, 2, 0x4E]).contains("corrupt pickle"))
    }

    /// A tensor whose strides or offset reach past its storage, or that expands it, is refused;
    /// a size-1 axis may carry any stride.
    @Test func tensorViewsAreChecked() {
        func tensor(offset: UInt8, size: [UInt8], stride: [UInt8], storageCount: UInt8 = 4) -> String {
            var pickle: [UInt8] = [0x80, 2] + Self.global("torch._utils", "_rebuild_tensor_v2") + [0x28]
            pickle += [0x28, 0x58, 7, 0, 0, 0] + Array("storage".utf8) + Self.global("torch", "FloatStorage")
            pickle += [0x58, 1, 0, 0, 0, 0x30, 0x58, 3, 0, 0, 0] + Array("cpu".utf8) + [0x4B, storageCount, 0x74, 0x51]
            pickle += [0x4B, offset, 0x28] + size.flatMap { [0x4B, $0] } + [0x74, 0x28] + stride.flatMap { [0x4B, $0] }
            pickle += [0x74, 0x89, 0x4E, 0x74, 0x52, 0x2E]
            return Self.read(pickle, storages: ["0": [UInt8](repeating: 0, count: 16)])
        }
        #expect(tensor(offset: 0, size: [2, 2], stride: [2, 1]) == "read")
        #expect(tensor(offset: 3, size: [1], stride: [255]) == "read")
        #expect(tensor(offset: 1, size: [2, 2], stride: [2, 1]).contains("runs past"))
        #expect(tensor(offset: 0, size: [3, 3], stride: [0, 1]).contains("expanded"))
        #expect(tensor(offset: 0, size: [2], stride: [1], storageCount: 5).contains("fewer than 5"))
    }
}
