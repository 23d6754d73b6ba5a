import Foundation

/// The results of several runs as a table — their settings, parameters, seconds per epoch, best
/// validation perplexity and test perplexity, the columns of the course reports' LSTM/GRU tables —
/// as Markdown (sweep output, results.md) or as cells (the HTML report).
public struct ResultsTable: Sendable {
    /// The setting columns, in order.
    public var keys: [String]
    public var rows: [RunResult]

    public init(keys: [String], rows: [RunResult]) {
        self.keys = keys
        self.rows = rows
    }

    /// The measured columns that follow the settings.
    public static let measuredColumns = ["params", "s/epoch", "best valid ppl", "test ppl"]

    /// The header cells: the setting keys (or `run` when there are none), then the measured columns.
    public var header: [String] { (keys.isEmpty ? ["run"] : keys) + Self.measuredColumns }

    /// Which columns hold numbers (right-aligned).
    public var numeric: [Bool] { (keys.isEmpty ? [false] : keys.map { _ in false }) + Self.measuredColumns.map { _ in true } }

    /// The body cells as text: parameters with thousands separators, seconds with two decimals
    /// below 10 s and one above, perplexities with two; a run that failed or did not finish says so in the test column.
    public var cells: [[String]] {
        rows.map { row in
            let settings = keys.isEmpty ? [row.name] : keys.map { key in row.settings.first { $0.key == key }?.value ?? "" }
            let test: String
            switch row.status {
            case .finished: test = Self.format(row.testPerplexity, decimals: 2)
            case .failed: test = "failed"
            case .unfinished: test = "unfinished"
            }
            let seconds = Self.format(row.secondsPerEpoch, decimals: (row.secondsPerEpoch ?? 0) < 10 ? 2 : 1)
            return settings + [
                row.parameters.map(Self.grouped) ?? "–", seconds,
                Self.format(row.bestValidPerplexity, decimals: 2), test
            ]
        }
    }

    /// A Markdown table with columns padded to equal width, numbers right-aligned.
    public func markdown() -> String {
        let header = self.header.map(Self.escape)
        let body = cells.map { $0.map(Self.escape) }
        let numeric = self.numeric
        let widths = header.indices.map { column in
            max(3, ([header] + body).map { $0[column].count }.max() ?? 3)
        }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return numeric[column] ? pad + cell : cell + pad
            }
            return "| " + padded.joined(separator: " | ") + " |"
        }
        let rule =
            "| "
            + widths.indices.map { column in
                numeric[column]
                    ? String(repeating: "-", count: widths[column] - 1) + ":" : String(repeating: "-", count: widths[column])
            }.joined(separator: " | ") + " |"
        return ([line(header), rule] + body.map(line)).joined(separator: "\n") + "\n"
    }

    static func format(_ value: Double?, decimals: Int) -> String {
        guard let value, value.isFinite else { return "–" }
        return String(format: "%.\(decimals)f", value)
    }

    /// 2653200 → "2,653,200".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }

    /// A `|` inside a cell would end it.
    static func escape(_ cell: String) -> String {
        cell.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
