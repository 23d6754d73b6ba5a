import Analysis
import ArgumentParser
import Foundation

/// `perplex wordsim`: Spearman's ρ between human similarity scores and cosine similarities.
struct WordSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wordsim", abstract: "Word-similarity evaluation (Spearman's rho) on 'word1 word2 score' files.")

    @OptionGroup var source: VectorsOptions
    @Flag(name: .customLong("list-oov"), help: "List the out-of-vocabulary pairs of each file.") var listOOV = false
    @Flag(help: "Print tab-separated rows (file, found, total, spearman at full precision, oov) instead of the table.")
    var tsv = false
    @Argument(help: "Files of 'word1 word2 score' lines (tab- or space-separated).") var files: [String]

    func run() throws {
        guard !files.isEmpty else { throw fail("give at least one word-similarity file") }
        let datasets: [(path: String, pairs: [WordPair])]
        do { datasets = try files.map { ($0, try readWordPairs(contentsOf: $0)) } } catch { throw fail("\(error)") }
        let vectors = try source.load()
        let results = datasets.map { (path: $0.path, result: vectors.evaluateSimilarity($0.pairs)) }
        let names = results.map { URL(fileURLWithPath: $0.path).lastPathComponent }
        if tsv {
            print("file\tfound\ttotal\tspearman\toov")
            for (name, entry) in zip(names, results) {
                let r = entry.result
                print("\(name)\t\(r.found)\t\(r.total)\t\(r.spearman.map { "\($0)" } ?? "nan")\t\(r.outOfVocabulary.count)")
            }
            return
        }
        let width = max(4, names.map(\.count).max() ?? 0)
        print("\("file".padding(toLength: width, withPad: " ", startingAt: 0))  found/total   coverage   spearman     oov")
        for (name, entry) in zip(names, results) {
            let r = entry.result
            let rho = r.spearman.map { String(format: "%9.6f", $0) } ?? "      n/a"
            print(
                String(
                    format: "%@  %5d/%-5d  %7.1f%%  %@  %6d", name.padding(toLength: width, withPad: " ", startingAt: 0),
                    r.found, r.total, 100 * r.coverage, rho, r.outOfVocabulary.count))
        }
        let oov = results.reduce(0) { $0 + $1.result.outOfVocabulary.count }
        print("| \(oov) out-of-vocabulary pairs\(listOOV || oov == 0 ? "" : " (--list-oov lists them)")")
        if listOOV {
            for (name, entry) in zip(names, results) {
                for pair in entry.result.outOfVocabulary {
                    let missing = [pair.first, pair.second].filter { vectors.index(of: $0) == nil }
                    print("\(name):\(pair.line)  \(pair.first) \(pair.second)  (missing: \(missing.joined(separator: ", ")))")
                }
            }
        }
    }
}
