import Foundation

/// The axes of a sweep: `key=v1,v2,…` items, whose cartesian product is the list of runs.
///
/// ```swift
/// let grid = try SweepGrid(items: ["model=LSTM,GRU", "--nlayers=1,2"])
/// grid.runs.map(\.label)  // ["model=LSTM,nlayers=1", "model=LSTM,nlayers=2", "model=GRU,nlayers=1", "model=GRU,nlayers=2"]
/// ```
public struct SweepGrid: Codable, Equatable, Sendable {
    /// One key and the values it takes.
    public struct Axis: Codable, Equatable, Sendable {
        public var key: String
        public var values: [String]
        public init(key: String, values: [String]) {
            self.key = key
            self.values = values
        }
    }

    public let axes: [Axis]

    /// Parses `key=v1,v2` items. Keys may start with `--` and use `_` for `-` (`--batch_size` is
    /// `batch-size`). Empty values, repeated keys or values, and a key not in `knownKeys` (when
    /// given) are errors, as is a grid whose runs would share a folder name.
    public init(items: [String], knownKeys: Set<String>? = nil) throws(SweepError) {
        guard !items.isEmpty else { throw SweepError("--grid needs at least one key=v1,v2 item") }
        var axes: [Axis] = []
        for item in items {
            guard let equals = item.firstIndex(of: "=") else {
                throw SweepError("malformed grid item '\(item)': expected key=v1,v2,...")
            }
            let key = Self.normalizedKey(String(item[..<equals]))
            guard !key.isEmpty else { throw SweepError("malformed grid item '\(item)': the key is empty") }
            if let knownKeys, !knownKeys.contains(key) {
                throw SweepError(
                    "unknown grid key '\(key)' in '\(item)'; keys are perplex train's options: "
                        + knownKeys.sorted().joined(separator: ", "))
            }
            guard !axes.contains(where: { $0.key == key }) else { throw SweepError("grid key '\(key)' is given twice") }
            let list = item[item.index(after: equals)...]
            guard !list.isEmpty else { throw SweepError("grid key '\(key)' has no values ('\(item)')") }
            let values = list.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard !values.contains(where: \.isEmpty) else {
                throw SweepError("grid key '\(key)' has an empty value in '\(item)'")
            }
            guard Set(values).count == values.count else { throw SweepError("grid key '\(key)' repeats a value in '\(item)'") }
            axes.append(Axis(key: key, values: values))
        }
        self.axes = axes
        var folders: [String: String] = [:]
        for run in runs {
            if let other = folders.updateValue(run.label, forKey: run.folderName) {
                throw SweepError("runs \(other) and \(run.label) would share the folder \(run.folderName)")
            }
        }
    }

    /// `--batch_size` → `batch-size`.
    public static func normalizedKey(_ key: String) -> String {
        var key = Substring(key)
        while key.hasPrefix("-") { key = key.dropFirst() }
        return key.replacingOccurrences(of: "_", with: "-")
    }

    /// The keys in grid order.
    public var keys: [String] { axes.map(\.key) }

    /// The number of runs (the product of the value counts).
    public var count: Int { axes.reduce(1) { $0 * $1.values.count } }

    /// The cartesian product in grid order: the first key changes slowest, as in nested loops.
    public var runs: [SweepSettings] {
        axes.reduce([SweepSettings([])]) { partial, axis in
            partial.flatMap { run in
                axis.values.map { SweepSettings(run.settings + [SweepSetting(key: axis.key, value: $0)]) }
            }
        }
    }
}
