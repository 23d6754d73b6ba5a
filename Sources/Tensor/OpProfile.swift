import Foundation

/// Wall time per op while it is active: the forward pass's time charged to ops, and every
/// backward function timed on its own.
///
/// Forward ops are not timed one by one (that would need a hook at every op's entry). Each op
/// that records its result is charged the time since the previous one did, which is its own
/// compute plus any glue code since the previous op. Only the thread that called `measure` is
/// measured; ops run from other threads (evaluation pipelines, pool workers) are not.
public final class OpProfile: @unchecked Sendable {
    public enum Pass: Sendable { case forward, backward }

    public struct Times: Sendable {
        public var forward = 0.0, backward = 0.0
        public var total: Double { forward + backward }
    }

    /// The name backward time adding up gradients (of inputs used twice, of leaves) is charged to.
    public static let accumulation = "(gradient accumulation)"

    /// The profile this thread records into: a thread-specific slot, so other threads neither
    /// see it nor race with `begin` and `end`.
    private static let recordingKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Seconds per op name and output shape.
    public private(set) var times: [String: Times] = [:]
    private var lastMark: UInt64 = 0
    private var pass = Pass.forward

    public init() {}

    private func begin(_ pass: Pass) {
        self.pass = pass
        lastMark = DispatchTime.now().uptimeNanoseconds
        pthread_setspecific(Self.recordingKey, Unmanaged.passUnretained(self).toOpaque())
    }

    private func end() {
        pthread_setspecific(Self.recordingKey, nil)
    }

    /// Runs `body` with the ops of `pass` it runs on this thread recorded.
    public func measure<T>(_ pass: Pass, _ body: () throws -> T) rethrows -> T {
        begin(pass)
        defer { end() }
        return try body()
    }

    /// The recording profile when this thread is recording `pass`.
    @inline(__always)
    static func recording(_ pass: Pass) -> OpProfile? {
        guard let slot = pthread_getspecific(recordingKey) else { return nil }
        let profile = Unmanaged<OpProfile>.fromOpaque(slot).takeUnretainedValue()
        return profile.pass == pass ? profile : nil
    }

    /// An op's row in the table: its name and its output's shape, so that (say) a decoder's
    /// `linear` is told apart from the encoder's.
    static func key(_ name: String, _ shape: [Int]) -> String {
        shape.isEmpty ? name : name + " " + shape.map(String.init).joined(separator: "×")
    }

    /// Charges the time since the previous forward op to `name` with output `shape`.
    func forwardOpFinished(_ name: String, shape: [Int]) {
        let now = DispatchTime.now().uptimeNanoseconds
        times[Self.key(name, shape), default: Times()].forward += Double(now &- lastMark) * 1e-9
        lastMark = now
    }

    /// Runs `body`, charging its time to the backward of `name`.
    func timeBackward<T>(_ name: String, _ body: () -> T) -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { times[name, default: Times()].backward += Double(DispatchTime.now().uptimeNanoseconds &- start) * 1e-9 }
        return body()
    }

    /// A table of milliseconds per batch (forward, backward) and share of the recorded time per op,
    /// the largest first; ops under 1 % of it are summed in one line.
    public func table(batches: Int) -> String {
        let total = times.values.reduce(0) { $0 + $1.total }
        guard total > 0, batches > 0 else { return "" }
        let perBatch = 1000 / Double(batches)
        var lines = [
            "| op, output shape                     | forward ms | backward ms |  share |",
            "| ------------------------------------ | ---------: | ----------: | -----: |"
        ]
        func line(_ name: String, _ t: Times) {
            lines.append(
                String(
                    format: "| %@ | %10.2f | %11.2f | %5.1f%% |", name.padding(toLength: 36, withPad: " ", startingAt: 0),
                    t.forward * perBatch, t.backward * perBatch, 100 * t.total / total))
        }
        var rest = Times()
        for (name, t) in times.sorted(by: { $0.value.total > $1.value.total }) {
            if t.total >= 0.01 * total {
                line(name, t)
            } else {
                rest.forward += t.forward
                rest.backward += t.backward
            }
        }
        if rest.total > 0 { line("(other ops)", rest) }
        return lines.joined(separator: "\n")
    }
}
