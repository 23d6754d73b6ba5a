import Foundation
import Tensor

/// Wall time per stage of a training run (the breakdown the course reports give): batchify,
/// getBatch, forward, backward, all-reduce (distributed runs only), optimizer step (clipping
/// included), validation, test; and within the forward and backward stages, time per op.
public final class StageProfile {
    public enum Stage: String, CaseIterable, Sendable {
        case batchify
        case getBatch = "get batch"
        case forward, backward
        case allReduce = "all-reduce"
        case optimizer = "optimizer step"
        case validation, test
    }

    public private(set) var seconds: [Stage: Double] = [:]
    /// Time per op in the forward and backward stages.
    public let ops = OpProfile()
    private var forwardPasses = 0

    public init() {}

    /// Runs `body`, adding its wall time to `stage`.
    @discardableResult
    public func measure<T>(_ stage: Stage, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { seconds[stage, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 }
        switch stage {
        case .forward:
            forwardPasses += 1
            return try ops.measure(.forward, body)
        case .backward: return try ops.measure(.backward, body)
        default: return try body()
        }
    }

    /// A table of seconds and share per stage.
    public func table() -> String {
        let total = seconds.values.reduce(0, +)
        var lines = ["| stage          | seconds |  share |", "| -------------- | ------: | -----: |"]
        for stage in Stage.allCases where stage != .allReduce || seconds[stage] != nil {
            let s = seconds[stage, default: 0]
            lines.append(
                String(
                    format: "| %@ | %7.2f | %5.1f%% |", stage.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0),
                    s, total > 0 ? 100 * s / total : 0))
        }
        lines.append(String(format: "| total          | %7.2f |        |", total))
        let opTable = ops.table(batches: forwardPasses)
        return lines.joined(separator: "\n") + (opTable.isEmpty ? "" : "\n\nforward and backward per op, per batch:\n" + opTable)
    }
}

extension Optional where Wrapped == StageProfile {
    /// Measures when profiling, else just runs `body`.
    @inline(__always)
    public func measure<T>(_ stage: StageProfile.Stage, _ body: () throws -> T) rethrows -> T {
        if let profile = self { return try profile.measure(stage, body) }
        return try body()
    }
}
