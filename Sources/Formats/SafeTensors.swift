import Foundation
import Tensor

/// Why a safetensors file could not be read. Each message names the offending tensor or field.
public enum SafeTensorsError: Error, Equatable, CustomStringConvertible {
    case unreadable(String)
    case truncated(String)
    case badHeader(String)
    case badTensor(name: String, String)

    public var description: String {
        switch self {
        case .unreadable(let why): "cannot read safetensors file: \(why)"
        case .truncated(let why): "truncated safetensors file: \(why)"
        case .badHeader(let why): "corrupt safetensors header: \(why)"
        case .badTensor(let name, let why): "corrupt safetensors tensor '\(name)': \(why)"
        }
    }
}

/// The safetensors format: an 8-byte little-endian header length, a JSON header mapping names to
/// dtype, shape and data offsets (plus an optional `__metadata__` of strings), then raw
/// little-endian data. Reads F32, F16, BF16 and F64 (converted to Float32); writes F32.
public struct SafeTensors {
    /// Tensors in file order (by data offset).
    public var tensors: [(name: String, tensor: Tensor)]
    public var metadata: [String: String]

    public init(tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    public subscript(name: String) -> Tensor? { tensors.first { $0.name == name }?.tensor }

    /// Tensors by name, for `Module.loadStateDict`.
    public var dictionary: [String: Tensor] { Dictionary(tensors, uniquingKeysWith: { first, _ in first }) }

    static let isLittleEndian = 1.littleEndian == 1
    static let dtypeSizes = ["F32": 4, "F16": 2, "BF16": 2, "F64": 8]
    /// Headers larger than this are refused before parsing (the reference implementation's limit).
    static let maxHeaderBytes = 100_000_000

    public static func read(contentsOf url: URL) throws(SafeTensorsError) -> SafeTensors {
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw .unreadable("\(url.path): \(error.localizedDescription)")
        }
        return try decode(data)
    }

    /// Parses a whole file held in memory, checking every offset before reading any data.
    public static func decode(_ data: Data) throws(SafeTensorsError) -> SafeTensors {
        guard data.count >= 8 else { throw .truncated("\(data.count) bytes, fewer than the 8-byte header length") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw .truncated("header length \(headerLength) exceeds the \(data.count - 8) bytes after it")
        }
        guard headerLength <= maxHeaderBytes else { throw .badHeader("header length \(headerLength) is too large") }
        let headerStart = data.startIndex + 8
        let headerBytes = data[headerStart..<(headerStart + Int(headerLength))]
        let header: [String: JSONValue]
        do { header = try JSONDecoder().decode([String: JSONValue].self, from: Data(headerBytes)) } catch {
            throw .badHeader("not a JSON object of tensor entries")
        }
        let body = data[(headerStart + Int(headerLength))...]

        var metadata: [String: String] = [:]
        var entries: [(name: String, dtype: String, shape: [Int], begin: Int, end: Int)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard case .object(let dict) = value else { throw .badHeader("__metadata__ is not an object") }
                for (key, item) in dict {
                    guard case .string(let string) = item else { throw .badHeader("__metadata__ value '\(key)' is not a string") }
                    metadata[key] = string
                }
                continue
            }
            guard case .object(let info) = value else { throw .badTensor(name: name, "entry is not an object") }
            guard case .string(let dtype) = info["dtype"] else { throw .badTensor(name: name, "no dtype") }
            guard let size = dtypeSizes[dtype] else { throw .badTensor(name: name, "unsupported dtype \(dtype)") }
            guard let shape = info["shape"]?.integers, shape.allSatisfy({ $0 >= 0 }) else {
                throw .badTensor(name: name, "shape is not a list of non-negative integers")
            }
            guard let offsets = info["data_offsets"]?.integers, offsets.count == 2 else {
                throw .badTensor(name: name, "data_offsets is not a pair of integers")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= body.count else {
                throw .badTensor(name: name, "data_offsets [\(begin), \(end)] outside the \(body.count) data bytes")
            }
            var count = 1
            for dim in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dim)
                guard !overflow else { throw .badTensor(name: name, "shape \(shape) is too large") }
                count = product
            }
            guard count.multipliedReportingOverflow(by: size) == (end - begin, false) else {
                throw .badTensor(
                    name: name, "shape \(shape) of \(dtype) needs \(count) elements, offsets hold \(end - begin) bytes")
            }
            entries.append((name, dtype, shape, begin, end))
        }
        // Data regions must tile the data section exactly: no overlaps, gaps or trailing bytes.
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var position = 0
        for entry in entries {
            guard entry.begin == position else {
                throw .badTensor(
                    name: entry.name,
                    entry.begin < position
                        ? "data overlaps the previous tensor" : "gap before its data at offset \(position)")
            }
            position = entry.end
        }
        guard position == body.count else { throw .badHeader("\(body.count - position) data bytes belong to no tensor") }

        let tensors = entries.map { entry in
            (
                entry.name,
                convert(
                    body[(body.startIndex + entry.begin)..<(body.startIndex + entry.end)],
                    dtype: entry.dtype, shape: entry.shape)
            )
        }
        return SafeTensors(tensors: tensors, metadata: metadata)
    }

    private static func convert(_ bytes: Data, dtype: String, shape: [Int]) -> Tensor {
        let tensor = Tensor(uninitializedShape: shape)
        let out = tensor.pointer
        bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let n = tensor.count
            switch dtype {
            case "F32" where isLittleEndian: UnsafeMutableRawPointer(out).copyMemory(from: raw.baseAddress!, byteCount: 4 * n)
            case "F32":
                for i in 0..<n {
                    out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                }
            case "F64":
                for i in 0..<n {
                    out[i] = Float(
                        Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                }
            case "BF16":
                for i in 0..<n {
                    out[i] = Float(
                        bitPattern: UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
                }
            default:
                for i in 0..<n {
                    out[i] = halfToFloat(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
            }
        }
        return tensor
    }

    /// IEEE binary16 → binary32, denormals and specials included.
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign: Float = h & 0x8000 != 0 ? -1 : 1
        let exponent = Int(h >> 10) & 0x1F
        let mantissa = Float(h & 0x3FF)
        switch exponent {
        case 0: return sign * mantissa * 0x1p-24
        case 31: return mantissa == 0 ? sign * .infinity : .nan
        default: return sign * (1 + mantissa / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }

    /// The file's bytes: header padded with spaces to a multiple of 8, then F32 data in the given order.
    public func encoded() -> Data {
        var entries: [String] = []
        var offset = 0
        for (name, tensor) in tensors {
            let bytes = tensor.count * 4
            entries.append(
                "\(Self.jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}"
            )
            offset += bytes
        }
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(Self.jsonString($0)):\(Self.jsonString(metadata[$0]!))" }
            entries.insert("\"__metadata__\":{\(pairs.joined(separator: ","))}", at: 0)
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for (_, tensor) in tensors {
            if Self.isLittleEndian {
                data.append(UnsafeBufferPointer(start: tensor.pointer, count: tensor.count))
            } else {
                for i in 0..<tensor.count {
                    withUnsafeBytes(of: tensor.pointer[i].bitPattern.littleEndian) { data.append(contentsOf: $0) }
                }
            }
        }
        return data
    }

    /// Writes atomically (a temporary file renamed into place), so an interrupted write never
    /// leaves a broken file behind.
    public func write(to url: URL) throws {
        try writeAtomically(encoded(), to: url)
    }

    private static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
