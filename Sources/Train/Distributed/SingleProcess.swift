/// The world of one process: rank 0 of 1; collectives leave their arguments as they are.
public final class SingleProcess: Communicator {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public var localSize: Int { 1 }
    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {}
    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) {}
    public func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int) {}
    public func broadcast(bytes: [UInt8], root: Int) -> [UInt8] { bytes }
    public func allGather(
        _ values: UnsafeBufferPointer<Float>, counts: [Int], into result: UnsafeMutableBufferPointer<Float>
    ) { _ = result.initialize(from: values) }
    public func allGather(
        _ values: UnsafeBufferPointer<Int32>, counts: [Int], into result: UnsafeMutableBufferPointer<Int32>
    ) { _ = result.initialize(from: values) }
    public func barrier() {}
    public func finish() {}
}
