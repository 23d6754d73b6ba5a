import Foundation
import Tensor

/// Averages parameter gradients over all ranks after each backward pass, so every rank applies
/// the update a single process would compute from the whole (global) batch: each rank's loss is
/// the mean over its own columns, and with equal column counts the mean of the ranks' gradients is
/// the gradient of the mean over all columns.
///
/// Gradients travel in buckets (`GradientBuckets`): whole parameters in reverse declaration
/// order — the order backward finishes them, the decoder first and the embedding last — each
/// bucket summed across ranks in one all-reduce and scaled by 1/size. With `overlap` a bucket
/// goes as soon as backward has finished every parameter in it (`parameterDone`, given to
/// `Tensor.backward(leafDone:)`), on a communication thread, while backward goes on; `average()`
/// sends what is left and waits for all. Buckets go in the same order with the same contents
/// either way, so overlap changes no bit of the result.
///
/// A parameter in `sparseRows` (an embedding table [rows, width]) travels as the rows whose
/// gradient is not zero on some rank when that is smaller than the table: each rank's row ids and
/// rows are all-gathered and every rank adds them up in rank order (`SparseRows`), so all ranks get
/// the same sums, equal to the dense all-reduce's. Ranks agree per step on which form to use from
/// their row counts.
public final class GradientAverager {
    public let parameters: [Tensor]
    public let communicator: any Communicator
    /// The buckets and the order they are sent in.
    public let buckets: GradientBuckets
    /// Whether buckets are sent during backward (needs `Tensor.backward(leafDone: parameterDone)`).
    public let overlap: Bool
    /// The communication thread (overlap in a multi-rank world whose communicator allows it).
    private let courier: Courier?
    private let index: [ObjectIdentifier: Int]
    private let sparse: [Bool]
    /// Per step: parameters finished by backward, parameters each bucket still waits for, and the
    /// next bucket to send (buckets go strictly in order, so every rank makes the same calls).
    private var done: [Bool]
    private var waiting: [Int]
    private var nextBucket = 0
    /// Packing space of the buckets that hold more than one parameter.
    private let space: [UnsafeMutablePointer<Float>?]
    /// Calls to `average()` so far, and the seconds spent in them (with overlap: the wait for the
    /// buckets backward did not hide).
    public private(set) var calls = 0
    public private(set) var seconds = 0.0
    /// Steps in which the sparse-row parameters travelled as rows (not dense), and the bytes this
    /// rank sent in the last step.
    public private(set) var sparseSteps = 0
    public private(set) var lastStepBytes = 0
    private let statistics = Statistics()

    /// - `bucketSize`: floats per bucket; a bucket closes once it holds at least this many (1 Mi
    ///   floats, 4 MiB: the LSTM 2×200's decoder goes alone, its LSTM layers in a second bucket).
    /// - `sparseRows`: tables that may travel as rows (`Module.embeddingWeights`).
    /// - `overlap`: send buckets during backward.
    public init(
        _ parameters: [Tensor], communicator: any Communicator, bucketSize: Int = 1 << 20, sparseRows: [Tensor] = [],
        overlap: Bool = false
    ) {
        precondition(bucketSize > 0, "GradientAverager: bucket size must be positive")
        var seen = Set<ObjectIdentifier>()
        let unique = parameters.filter { seen.insert(ObjectIdentifier($0)).inserted }
        self.parameters = unique
        self.communicator = communicator
        let sparseIDs = Set(sparseRows.filter { $0.rank == 2 }.map(ObjectIdentifier.init))
        sparse = unique.map { sparseIDs.contains(ObjectIdentifier($0)) }
        buckets = GradientBuckets(sizes: unique.map(\.count), alone: sparse, bucketSize: bucketSize)
        index = Dictionary(uniqueKeysWithValues: unique.enumerated().map { (ObjectIdentifier($1), $0) })
        done = Array(repeating: false, count: unique.count)
        waiting = buckets.members.map(\.count)
        space = buckets.members.map { members in
            members.count > 1 ? .allocate(capacity: members.reduce(0) { $0 + unique[$1].count }) : nil
        }
        self.overlap = overlap
        courier = overlap && communicator.size > 1 && communicator.allowsCommunicationThread ? Courier() : nil
    }

    deinit {
        courier?.stop()
        for pointer in space { pointer?.deallocate() }
    }

    /// Bytes one rank sends into the dense all-reduces of one step (the gradients, 4 bytes a float).
    public var bytesPerStep: Int { 4 * parameters.reduce(0) { $0 + $1.count } }

    /// Backward has finished `leaf`'s gradient for this step: sends every bucket now complete, in
    /// order (on the communication thread with overlap). Leaves that are not parameters here are
    /// ignored. Pass it to `Tensor.backward(leafDone:)`.
    public func parameterDone(_ leaf: Tensor) {
        guard communicator.size > 1, let i = index[ObjectIdentifier(leaf)], !done[i] else { return }
        done[i] = true
        waiting[buckets.bucket[i]] -= 1
        sendCompleteBuckets()
    }

    /// Replaces every parameter's gradient by its mean over all ranks (a missing gradient counts
    /// as zeros and is created): sends the buckets backward did not finish and waits for all.
    /// Does nothing in a one-rank world.
    public func average() {
        guard communicator.size > 1 else { return }
        let start = DispatchTime.now().uptimeNanoseconds
        for members in buckets.members[nextBucket...] {
            for i in members where !done[i] {
                done[i] = true
                waiting[buckets.bucket[i]] -= 1
            }
        }
        sendCompleteBuckets()
        courier?.waitForAll()
        lastStepBytes = statistics.take()
        sparseSteps += statistics.takeSparse()
        done = Array(repeating: false, count: parameters.count)
        waiting = buckets.members.map(\.count)
        nextBucket = 0
        calls += 1
        seconds += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    }

    private func sendCompleteBuckets() {
        while nextBucket < buckets.members.count && waiting[nextBucket] == 0 {
            let b = nextBucket
            nextBucket += 1
            for i in buckets.members[b] where parameters[i].grad == nil {
                parameters[i].grad = Tensor(shape: parameters[i].shape, repeating: 0)
            }
            if let courier {
                courier.send { [self] in exchange(b) }
            } else {
                exchange(b)
            }
        }
    }

    /// Sums bucket `b` over the ranks and scales it by 1/size (on the communication thread with overlap).
    private func exchange(_ b: Int) {
        let members = buckets.members[b]
        let scale = 1 / Float(communicator.size)
        if members.count == 1, let grad = parameters[members[0]].grad {
            if sparse[members[0]], let sent = SparseRows.average(grad, communicator: communicator) {
                statistics.add(bytes: sent, sparse: true)
                return
            }
            communicator.allReduceSum(UnsafeMutableBufferPointer(start: grad.pointer, count: grad.count))
            // A plain loop, not `Kernels`: their thread pool belongs to the main thread's backward.
            let target = grad.pointer
            for k in 0..<grad.count { target[k] *= scale }
            statistics.add(bytes: 4 * grad.count, sparse: false)
            return
        }
        guard let bucket = space[b] else { return }
        var at = 0
        for i in members {
            guard let grad = parameters[i].grad else { continue }
            (bucket + at).update(from: grad.pointer, count: grad.count)
            at += grad.count
        }
        communicator.allReduceSum(UnsafeMutableBufferPointer(start: bucket, count: at))
        at = 0
        for i in members {
            guard let grad = parameters[i].grad else { continue }
            // Copy back and scale in one pass (a simple loop the compiler vectorises).
            let (source, target) = (bucket + at, grad.pointer)
            for k in 0..<grad.count { target[k] = source[k] * scale }
            at += grad.count
        }
        statistics.add(bytes: 4 * at, sparse: false)
    }
}

/// How a step's gradients are cut into all-reduces: whole parameters in reverse order (backward
/// finishes the last-declared layers first), a bucket closing once it holds at least `bucketSize`
/// floats; a parameter marked `alone` (sparse rows) is a bucket of its own.
public struct GradientBuckets: Equatable, Sendable {
    /// Parameter indices of each bucket, in sending order.
    public let members: [[Int]]
    /// The bucket of each parameter.
    public let bucket: [Int]

    /// - `sizes`: each parameter's float count, in declaration order; `alone` likewise.
    public init(sizes: [Int], alone: [Bool], bucketSize: Int) {
        var members: [[Int]] = []
        var current: [Int] = []
        var filled = 0
        for i in sizes.indices.reversed() {
            if alone[i] {
                if !current.isEmpty { members.append(current) }
                members.append([i])
                (current, filled) = ([], 0)
                continue
            }
            current.append(i)
            filled += sizes[i]
            if filled >= bucketSize {
                members.append(current)
                (current, filled) = ([], 0)
            }
        }
        if !current.isEmpty { members.append(current) }
        self.members = members
        var bucket = Array(repeating: 0, count: sizes.count)
        for (b, indices) in members.enumerated() { for i in indices { bucket[i] = b } }
        self.bucket = bucket
    }
}

/// The step's byte and sparse-step counts, written on the communication thread and read after its wait.
private final class Statistics: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes = 0
    private var sparse = 0

    func add(bytes: Int, sparse: Bool) {
        lock.lock()
        self.bytes += bytes
        if sparse { self.sparse += 1 }
        lock.unlock()
    }

    func take() -> Int {
        lock.lock()
        defer {
            bytes = 0
            lock.unlock()
        }
        return bytes
    }

    func takeSparse() -> Int {
        lock.lock()
        defer {
            sparse = 0
            lock.unlock()
        }
        return sparse > 0 ? 1 : 0
    }
}
