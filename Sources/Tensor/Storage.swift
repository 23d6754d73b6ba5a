/// A reference-counted, 64-byte aligned buffer of Float32 values.
///
/// Tensors that are views of each other (`reshaped`) share one storage; in-place
/// updates through one are seen by the others, as in PyTorch.
public final class TensorStorage {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    /// Allocates `count` floats; the contents are undefined until written.
    public init(uninitializedCount count: Int) {
        precondition(count >= 0, "storage size must be non-negative, got \(count)")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// Allocates `count` floats set to `value`.
    public convenience init(count: Int, repeating value: Float) {
        self.init(uninitializedCount: count)
        pointer.update(repeating: value, count: count)
    }

    public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: count)
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }
}
