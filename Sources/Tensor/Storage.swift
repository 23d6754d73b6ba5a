import Foundation

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
        pointer = BufferCache.allocate(bytes: max(count, 1) * MemoryLayout<Float>.stride)
            .bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// Allocates `count` floats set to `value`.
    public convenience init(count: Int, repeating value: Float) {
        self.init(uninitializedCount: count)
        pointer.update(repeating: value, count: count)
    }

    public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: count)
    }

    deinit { BufferCache.release(UnsafeMutableRawPointer(pointer), bytes: max(count, 1) * MemoryLayout<Float>.stride) }
}

/// Recycles large buffers by size. A training step allocates the same shapes every time, and
/// fresh pages from the OS cost more than the work done on them: page faults on the 28 MB decoder
/// output of the LM recipe took 40% of the time of its product, and with only 512 MB kept, those
/// of the 3 GB of activations of nanoGPT's 6×384 config took a quarter of its step.
///
/// Free buffers are kept up to the most bytes ever live at once (at least `capacityBytes`), so a
/// step's buffers come back to the next step while memory stays within twice the peak a step
/// needs; with shapes that change from batch to batch, the floor bounds what is kept.
public enum BufferCache {
    /// Buffers smaller than this come straight from malloc, which recycles them well itself.
    static let minimumBytes = 1 << 16
    /// Bytes kept in free buffers even when fewer were ever live at once; beyond the larger of
    /// the two, freed buffers go back to the system.
    public nonisolated(unsafe) static var capacityBytes = 512 << 20

    private static let lock = NSLock()
    nonisolated(unsafe) private static var free: [Int: [UnsafeMutableRawPointer]] = [:]
    nonisolated(unsafe) private static var cachedBytes = 0
    nonisolated(unsafe) private static var liveBytes = 0
    nonisolated(unsafe) private static var peakLiveBytes = 0

    /// Sizes are rounded to whole pages so that slightly different shapes share buffers.
    @inline(__always)
    private static func bucket(_ bytes: Int) -> Int { (bytes + 4095) & ~4095 }

    static func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        guard bytes >= minimumBytes else { return .allocate(byteCount: bytes, alignment: 64) }
        let size = bucket(bytes)
        lock.lock()
        liveBytes += size
        peakLiveBytes = Swift.max(peakLiveBytes, liveBytes)
        if let buffer = free[size]?.popLast() {
            cachedBytes -= size
            lock.unlock()
            return buffer
        }
        lock.unlock()
        return .allocate(byteCount: size, alignment: 64)
    }

    static func release(_ buffer: UnsafeMutableRawPointer, bytes: Int) {
        guard bytes >= minimumBytes else {
            buffer.deallocate()
            return
        }
        let size = bucket(bytes)
        lock.lock()
        liveBytes -= size
        if cachedBytes + size <= Swift.max(capacityBytes, peakLiveBytes) {
            free[size, default: []].append(buffer)
            cachedBytes += size
            lock.unlock()
        } else {
            lock.unlock()
            buffer.deallocate()
        }
    }

    /// Returns every cached buffer to the system.
    public static func empty() {
        lock.lock()
        let buffers = free.values.flatMap { $0 }
        free = [:]
        cachedBytes = 0
        lock.unlock()
        for buffer in buffers { buffer.deallocate() }
    }
}
