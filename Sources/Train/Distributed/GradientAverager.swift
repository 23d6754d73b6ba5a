import Foundation
import Tensor

/// Averages parameter gradients over all ranks after each backward pass, so every rank applies
/// the update a single process would compute from the whole (global) batch: each rank's loss is
/// the mean over its own columns, and with equal column counts the mean of the ranks' gradients is
/// the gradient of the mean over all columns.
///
/// Gradients travel in flat buckets of `bucketSize` floats: parameters are packed one after
/// another into a reused buffer, which is summed across ranks in one all-reduce per bucket and
/// copied back scaled by 1/size. Few large messages instead of one per tensor (biases are tiny).
public final class GradientAverager {
    public let parameters: [Tensor]
    public let communicator: any Communicator
    /// Floats per all-reduce (16 MiB by default: on this 2-core machine 1 MiB buckets took twice
    /// as long as one flat all-reduce of the LSTM 2×200's 18.6 MB, 16 MiB ones about as long).
    public let bucketSize: Int
    private let bucket: UnsafeMutablePointer<Float>
    /// Calls to `average()` so far, and the seconds they took (copies included).
    public private(set) var calls = 0
    public private(set) var seconds = 0.0

    public init(_ parameters: [Tensor], communicator: any Communicator, bucketSize: Int = 1 << 22) {
        precondition(bucketSize > 0, "GradientAverager: bucket size must be positive")
        self.parameters = parameters
        self.communicator = communicator
        let total = parameters.reduce(0) { $0 + $1.count }
        self.bucketSize = Swift.max(1, Swift.min(bucketSize, total))
        bucket = .allocate(capacity: self.bucketSize)
    }

    deinit { bucket.deallocate() }

    /// Bytes one rank sends into the all-reduces of one step (the gradients, 4 bytes a float).
    public var bytesPerStep: Int { 4 * parameters.reduce(0) { $0 + $1.count } }

    /// Replaces every parameter's gradient by its mean over all ranks (a missing gradient counts
    /// as zeros and is created). Does nothing in a one-rank world.
    public func average() {
        guard communicator.size > 1 else { return }
        let start = DispatchTime.now().uptimeNanoseconds
        defer {
            calls += 1
            seconds += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        }
        for p in parameters where p.grad == nil { p.grad = Tensor(shape: p.shape, repeating: 0) }
        let scale = 1 / Float(communicator.size)
        // Pieces of gradients waiting in the bucket: (gradient, offset in it, offset in bucket, count).
        var pending: [(Tensor, Int, Int, Int)] = []
        var filled = 0
        func flush() {
            guard filled > 0 else { return }
            communicator.allReduceSum(UnsafeMutableBufferPointer(start: bucket, count: filled))
            for (grad, offset, at, count) in pending {
                // Copy back and scale in one pass (a simple loop the compiler vectorises).
                let source = bucket + at
                let target = grad.pointer + offset
                for i in 0..<count { target[i] = source[i] * scale }
            }
            pending.removeAll(keepingCapacity: true)
            filled = 0
        }
        for p in parameters {
            guard let grad = p.grad else { continue }
            var offset = 0
            while offset < grad.count {
                let count = Swift.min(grad.count - offset, bucketSize - filled)
                (bucket + filled).update(from: grad.pointer + offset, count: count)
                pending.append((grad, offset, filled, count))
                filled += count
                offset += count
                if filled == bucketSize { flush() }
            }
        }
        flush()
    }
}
