import Foundation

/// Accuracy, per-class precision/recall/F1 and the confusion matrix of predictions against truth.
public struct ClassificationMetrics: Sendable, Equatable {
    /// Class names, in class-index order.
    public let names: [String]
    /// confusion[truth][predicted] counts.
    public let confusion: [[Int]]

    public init(names: [String], truth: [Int], predicted: [Int]) {
        precondition(
            truth.count == predicted.count, "ClassificationMetrics: \(truth.count) labels, \(predicted.count) predictions")
        var confusion = Array(repeating: Array(repeating: 0, count: names.count), count: names.count)
        for (t, p) in zip(truth, predicted) { confusion[t][p] += 1 }
        self.names = names
        self.confusion = confusion
    }

    public var total: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }
    public var correct: Int { names.indices.reduce(0) { $0 + confusion[$1][$1] } }
    /// Share of correct predictions (0 for no examples).
    public var accuracy: Double { total > 0 ? Double(correct) / Double(total) : 0 }

    /// Of the sentences predicted as class c, the share that are c (0 when none was).
    public func precision(_ c: Int) -> Double {
        let predicted = names.indices.reduce(0) { $0 + confusion[$1][c] }
        return predicted > 0 ? Double(confusion[c][c]) / Double(predicted) : 0
    }

    /// Of the sentences of class c, the share predicted as c (0 when there were none).
    public func recall(_ c: Int) -> Double {
        let actual = confusion[c].reduce(0, +)
        return actual > 0 ? Double(confusion[c][c]) / Double(actual) : 0
    }

    /// Harmonic mean of precision and recall (0 when both are).
    public func f1(_ c: Int) -> Double {
        let (p, r) = (precision(c), recall(c))
        return p + r > 0 ? 2 * p * r / (p + r) : 0
    }

    /// Unweighted mean F1 over classes.
    public var macroF1: Double { names.isEmpty ? 0 : names.indices.reduce(0) { $0 + f1($1) } / Double(names.count) }

    /// The report: accuracy line, per-class table, confusion matrix (rows truth, columns predicted).
    public func report(title: String) -> String {
        var lines = [
            String(format: "| %@ | %d sentences | accuracy %.2f%% | macro F1 %.4f", title, total, accuracy * 100, macroF1)
        ]
        let width = max(7, (names.map(\.count).max() ?? 0) + 2)
        func pad(_ s: String) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        lines.append(pad("label") + "  precision     recall         f1    support")
        for c in names.indices {
            lines.append(
                pad(names[c])
                    + String(format: " %10.4f %10.4f %10.4f %10d", precision(c), recall(c), f1(c), confusion[c].reduce(0, +)))
        }
        lines.append("confusion matrix (rows: true label, columns: predicted)")
        lines.append(pad("") + names.map(pad).joined())
        for c in names.indices { lines.append(pad(names[c]) + confusion[c].map { pad(String($0)) }.joined()) }
        return lines.joined(separator: "\n")
    }

    /// The figures as a JSON-ready dictionary (metrics.jsonl).
    public func record() -> [String: Any] {
        [
            "accuracy": accuracy, "macro_f1": macroF1, "labels": names, "confusion": confusion,
            "precision": names.indices.map(precision), "recall": names.indices.map(recall), "f1": names.indices.map(f1)
        ]
    }
}
