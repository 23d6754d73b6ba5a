import Analysis
import ArgumentParser
import Formats
import Foundation
import Plot
import Text

/// `perplex ngrams`: the most frequent n-grams of a text and its rank–frequency (Zipf) plot.
struct NGramsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ngrams", abstract: "n-gram counts of a text file, with an optional log-log rank-frequency plot.",
        discussion: "Tokens are the recipe's: whitespace-separated words and <eos> at the end of every line.")

    @Option(help: "Text file (one sentence per line).") var text: String
    @Option(parsing: .unconditional, help: "n-gram order (1 = words).") var n = 1
    @Option(parsing: .unconditional, help: "How many of the most frequent n-grams to list.") var top = 20
    @Option(help: "Write a log-log rank-frequency chart to this SVG file.") var plot: String?

    func run() throws {
        guard n >= 1 else { throw fail("--n must be at least 1") }
        guard top >= 0 else { throw fail("--top must not be negative") }
        if let plot { try checkOutput(plot) }
        let ids: [Int]
        let vocabulary: Vocabulary
        do {
            var words = Vocabulary()
            ids = Corpus.tokenize(try Corpus.readFile(text), adding: &words)
            vocabulary = words
        } catch { throw fail("\(error)") }
        guard ids.contains(where: { vocabulary[$0] != Vocabulary.eos }) else { throw fail("no words in \(text)") }
        guard ids.count >= n else { throw fail("\(text) has \(ids.count) tokens, fewer than n = \(n)") }
        let stats = NGramStatistics(tokens: ids.map { vocabulary[$0] }, n: n)
        print("| \(text): \(ids.count) tokens, \(stats.tokenCount) \(n)-grams, \(stats.typeCount) distinct")
        let shown = stats.top(top)
        let width = max(6, shown.map { $0.tokens.joined(separator: " ").count }.max() ?? 0)
        print("rank  \("n-gram".padding(toLength: width, withPad: " ", startingAt: 0))  count")
        for (rank, entry) in shown.enumerated() {
            let gram = entry.tokens.joined(separator: " ").padding(toLength: width, withPad: " ", startingAt: 0)
            print(String(format: "%4d  %@  %d", rank + 1, gram, entry.count))
        }
        if let plot {
            let points = stats.rankFrequency(maxPoints: 2000).map { (x: Double($0.rank), y: Double($0.count)) }
            let chart = LineChart(
                title: "Rank-frequency of \(n)-grams (\(URL(fileURLWithPath: text).lastPathComponent))",
                xLabel: "rank", yLabel: "count", logX: true, logY: true,
                series: [.init(name: "\(n)-grams", points: points)])
            do { try writeAtomically(Data(chart.svg().utf8), to: URL(fileURLWithPath: plot)) } catch {
                throw writeFailure(plot, error)
            }
            print("| wrote \(plot)")
        }
    }
}
