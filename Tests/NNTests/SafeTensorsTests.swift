import Formats
import Foundation
import NN
import Tensor
import Testing

@Suite struct SafeTensorsTests {
    /// A file with the given raw JSON header and data bytes.
    static func file(header: String, data: [UInt8]) -> Data {
        var bytes = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: Array(header.utf8))
        bytes.append(contentsOf: data)
        return bytes
    }

    static let eightBytes: [UInt8] = Array(repeating: 0, count: 8)

    func expectError(_ data: Data, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try SafeTensors.decode(data)
            Issue.record("decoded a corrupt file (expected an error mentioning \(fragment))", sourceLocation: sourceLocation)
        } catch {
            let message = error.description
            #expect(message.contains(fragment), "\(message)", sourceLocation: sourceLocation)
            #expect(!message.contains("\n"), sourceLocation: sourceLocation)
        }
    }

    @Test func corruptFilesGiveErrorsNamingTheProblem() {
        let good = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        #expect(throws: Never.self) { try SafeTensors.decode(Self.file(header: good, data: Self.eightBytes)) }
        expectError(Data([1, 2, 3]), "fewer than the 8-byte header length")
        expectError(Self.file(header: good, data: Self.eightBytes).prefix(20), "exceeds")
        expectError(Self.file(header: good, data: [0, 0, 0]), "'a'")
        expectError(Self.file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: Self.eightBytes), "'a'")
        expectError(
            Self.file(header: #"{"a":{"dtype":"Q8","shape":[2],"data_offsets":[0,8]}}"#, data: Self.eightBytes),
            "unsupported dtype Q8")
        expectError(Self.file(header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: Self.eightBytes), "'a'")
        expectError(Self.file(header: #"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, data: Self.eightBytes), "'a'")
        expectError(
            Self.file(
                header:
                    #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
                data: Array(Self.eightBytes.prefix(4))), "overlaps")
        expectError(Self.file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: Self.eightBytes), "gap")
        expectError(Self.file(header: #"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}"#, data: Self.eightBytes), "'a'")
        expectError(Self.file(header: "[1,2]", data: []), "header")
        expectError(Self.file(header: #"{"__metadata__":{"k":1}}"#, data: []), "__metadata__")
    }

    @Test func readsHalfPrecisionAndDouble() throws {
        // 1.0 and -2.5 in F16 (0x3C00, 0xC100), BF16 (0x3F80, 0xC020), F64.
        let f16 = Self.file(header: #"{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, data: [0x00, 0x3C, 0x00, 0xC1])
        #expect(try SafeTensors.decode(f16)["h"]?.scalars == [1, -2.5])
        let bf16 = Self.file(header: #"{"b":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}"#, data: [0x80, 0x3F, 0x20, 0xC0])
        #expect(try SafeTensors.decode(bf16)["b"]?.scalars == [1, -2.5])
        var f64: [UInt8] = []
        for v in [1.0, -2.5] { withUnsafeBytes(of: v.bitPattern.littleEndian) { f64 += $0 } }
        let double = Self.file(header: #"{"d":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}"#, data: f64)
        #expect(try SafeTensors.decode(double)["d"]?.scalars == [1, -2.5])
    }

    @Test func badStateDictsNameTheTensor() throws {
        let model = TinyModel()
        var state = SafeTensors(tensors: model.stateDict().map { (name: $0.0, tensor: $0.1) })
        state.tensors[1].tensor = Tensor.zeros([3])
        #expect(throws: StateDictError.shapeMismatch("encoder.weight", expected: [10, 4], found: [3])) {
            try model.loadStateDict(try SafeTensors.decode(state.encoded()).dictionary)
        }
    }

    /// Random corruptions of a valid checkpoint: each must decode or fail with an error, never crash.
    @Test func thousandsOfMutatedFilesNeverCrash() {
        let model = TinyModel()
        let valid = SafeTensors(tensors: model.stateDict().map { (name: $0.0, tensor: $0.1) }, metadata: ["k": "v"]).encoded()
        let headerLength = Int(valid[0]) | Int(valid[1]) << 8
        let rng = RandomGenerator(seed: 99)
        func random(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }
        var outcomes = (decoded: 0, rejected: 0)
        for trial in 0..<3000 {
            var bytes = [UInt8](valid)
            switch trial % 6 {
            case 0:  // flip bytes anywhere, mostly in the header
                for _ in 0..<(1 + random(4)) {
                    let at = rng.nextFloat() < 0.8 ? 8 + random(headerLength) : random(bytes.count)
                    bytes[at] ^= UInt8(1 + random(255))
                }
            case 1: bytes = Array(bytes.prefix(random(bytes.count)))  // truncate
            case 2:  // a random header length
                let length = UInt64(rng.next() >> UInt64(random(64)))
                withUnsafeBytes(of: length.littleEndian) { for i in 0..<8 { bytes[i] = $0[i] } }
            case 3:  // swap a digit in the header for another (offsets, shapes)
                let digits = (8..<(8 + headerLength)).filter { (48...57).contains(bytes[$0]) }
                if !digits.isEmpty { bytes[digits[random(digits.count)]] = UInt8(48 + random(10)) }
            case 4:  // delete or insert bytes in the header
                let at = 8 + random(headerLength)
                if rng.nextFloat() < 0.5 { bytes.remove(at: at) } else { bytes.insert(UInt8(32 + random(95)), at: at) }
            default:  // replace a header token
                var text = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
                let swaps = [
                    ("F32", "F8"), ("F32", "BF16"), ("data_offsets", "offsets"), ("shape", "shap"), ("[", "{"), (",", ""),
                    ("]", "],1")
                ]
                let (from, to) = swaps[random(swaps.count)]
                if let range = text.range(of: from) { text.replaceSubrange(range, with: to) }
                bytes = [UInt8](Self.file(header: text, data: Array(bytes[(8 + headerLength)...])))
            }
            do {
                let file = try SafeTensors.decode(Data(bytes))
                outcomes.decoded += 1
                do { try TinyModel().loadStateDict(file.dictionary) } catch {
                    #expect(!error.description.contains("\n"))
                }
            } catch {
                outcomes.rejected += 1
                #expect(!error.description.isEmpty && !error.description.contains("\n"))
            }
        }
        #expect(outcomes.rejected > 1000, "mutations should mostly be caught: \(outcomes)")
    }
}
