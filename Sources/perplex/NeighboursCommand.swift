import Analysis
import ArgumentParser
import Foundation

/// `perplex neighbours`: the words closest to a word by cosine similarity.
struct NeighboursCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neighbours", abstract: "Nearest neighbours of a word by cosine similarity.",
        aliases: ["neighbors"])

    @OptionGroup var source: VectorsOptions
    @Option(help: "The query word (tried as written, then lowercased).") var word: String
    @Option(parsing: .unconditional, help: "How many neighbours to list.") var k = 10

    func run() throws {
        guard k > 0 else { throw fail("--k must be positive") }
        let vectors = try source.load()
        let neighbours: [Neighbour]
        do { neighbours = try vectors.neighbours(of: word, k: k) } catch { throw fail("\(error)") }
        print("| nearest neighbours of '\(word)' (\(vectors.count) words, dimension \(vectors.dimension))")
        let width = max(4, neighbours.map(\.word.count).max() ?? 0)
        for (rank, neighbour) in neighbours.enumerated() {
            let padded = neighbour.word.padding(toLength: width, withPad: " ", startingAt: 0)
            print(String(format: "%3d  %@  %.4f", rank + 1, padded, neighbour.similarity))
        }
    }
}
