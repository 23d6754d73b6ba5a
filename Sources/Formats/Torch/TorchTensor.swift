import Foundation
import Tensor

/// A storage of a torch.save archive (`<name>/data/<key>`), as a persistent id names it.
public struct TorchStorage: Equatable {
    public let key: String
    public let dtype: TorchDType
    /// Elements (not bytes).
    public let count: Int
    /// Exactly `count × dtype.size` little-endian bytes.
    let bytes: Data
}

/// A tensor of a torch.save file: which storage it views (tied weights share one), where and
/// how (offset, shape, strides, in elements), and its values as Float32 when its element type is
/// floating point (`values` is nil for integer and bool tensors).
public struct TorchTensor: Equatable {
    public let storageKey: String
    public let offset: Int
    public let shape: [Int]
    public let strides: [Int]
    public let dtype: TorchDType
    public let values: Tensor?

    public static func == (a: TorchTensor, b: TorchTensor) -> Bool {
        (a.storageKey, a.offset, a.shape, a.strides, a.dtype) == (b.storageKey, b.offset, b.shape, b.strides, b.dtype)
    }

    /// Whether both view the same elements of the same storage (tied weights).
    public func sharesStorage(with other: TorchTensor) -> Bool { self == other }

    /// The tensor `storage[offset + Σ index·stride]` over `shape`, every index checked against the
    /// storage before anything is read or allocated. A view with more elements than its storage
    /// (an expanded tensor) is refused.
    init(storage: TorchStorage, offset: Int, shape: [Int], strides: [Int]) throws(TorchError) {
        guard shape.count == strides.count else {
            throw .badPickle("a tensor has \(shape.count) sizes but \(strides.count) strides")
        }
        guard shape.count <= 64, shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }), offset >= 0 else {
            throw .badPickle("a tensor has a negative size, stride or offset, or more than 64 dimensions")
        }
        var count = 1
        var last = offset
        for (size, stride) in zip(shape, strides) {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw .badPickle("tensor size \(shape) overflows") }
            count = product
            if size > 0 {
                let (reach, overflow1) = (size - 1).multipliedReportingOverflow(by: stride)
                let (sum, overflow2) = last.addingReportingOverflow(reach)
                guard !overflow1, !overflow2 else { throw .badPickle("tensor strides \(strides) overflow") }
                last = sum
            }
        }
        guard count <= storage.count else {
            throw .unsupported(
                "a tensor of size \(shape) views a storage of \(storage.count) elements (expanded views are not supported)")
        }
        guard count == 0 || last < storage.count else {
            throw .badPickle(
                "a tensor of size \(shape), strides \(strides), offset \(offset) runs past its \(storage.count)-element storage")
        }
        (storageKey, self.offset, self.shape, self.strides, dtype) = (storage.key, offset, shape, strides, storage.dtype)
        values = dtype.isFloatingPoint ? Self.gather(storage, offset: offset, shape: shape, strides: strides, count: count) : nil
    }

    private static func gather(_ storage: TorchStorage, offset: Int, shape: [Int], strides: [Int], count: Int) -> Tensor {
        let tensor = Tensor(uninitializedShape: shape)
        let out = tensor.pointer
        let dtype = storage.dtype
        storage.bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            func element(_ index: Int) -> Float {
                switch dtype {
                case .float32:
                    Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)))
                case .float64:
                    Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self))))
                case .bfloat16:
                    Float(
                        bitPattern: UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self)))
                            << 16)
                case .float16:
                    SafeTensors.halfToFloat(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self)))
                case .int64, .int32, .int16, .int8, .uint8, .bool: 0
                }
            }
            // Walk the index space in row-major order with a running storage position. Every
            // position read is in range (checked by init); past the last element the running
            // sums may step outside it (a size-1 axis may carry any stride), hence wrapping arithmetic.
            var index = [Int](repeating: 0, count: shape.count)
            var position = offset
            for i in 0..<count {
                out[i] = element(position)
                var axis = shape.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    position &+= strides[axis]
                    if index[axis] < shape[axis] { break }
                    position &-= strides[axis] &* shape[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        return tensor
    }
}
