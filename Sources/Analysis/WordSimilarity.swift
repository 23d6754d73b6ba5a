import Foundation
import Text

/// Why a word-similarity file could not be read; one line naming the file and line.
public enum WordSimilarityError: TextFileReadingError, Equatable, CustomStringConvertible {
    case missingFile(String)
    /// The path names a folder where a file is expected.
    case directory(String)
    case unreadable(String)
    case empty(String)
    case badLine(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .missingFile(let path): "file not found: \(path)"
        case .directory(let path): "\(path) is a directory, not a text file"
        case .unreadable(let path): "cannot read \(path) as UTF-8 text"
        case .empty(let path): "\(path): no word pairs"
        case .badLine(let path, let line, let reason): "\(path): line \(line): \(reason)"
        }
    }
}

/// A human-scored word pair from a similarity data set (MEN, SimLex-999, WordSim-353 …).
public struct WordPair: Equatable, Sendable {
    public let first: String
    public let second: String
    public let score: Double
    /// 1-based line in the file.
    public let line: Int

    public init(first: String, second: String, score: Double, line: Int) {
        (self.first, self.second, self.score, self.line) = (first, second, score, line)
    }
}

/// Reads `word1 word2 score` lines (tab- or space-separated; lines as `TextFile.lines` cuts them);
/// blank lines are skipped, any other line that is not two words and a finite number is an error
/// naming its line.
public func readWordPairs(text: String, path: String = "pairs") throws(WordSimilarityError) -> [WordPair] {
    var pairs: [WordPair] = []
    for (i, line) in TextFile.lines(of: text).enumerated() {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        if fields.isEmpty { continue }
        guard fields.count == 3 else {
            throw .badLine(path: path, line: i + 1, reason: "expected 'word1 word2 score', found \(fields.count) fields")
        }
        guard let score = Double(fields[2]), score.isFinite else {
            throw .badLine(path: path, line: i + 1, reason: "score '\(fields[2])' is not a number")
        }
        pairs.append(WordPair(first: String(fields[0]), second: String(fields[1]), score: score, line: i + 1))
    }
    guard !pairs.isEmpty else { throw .empty(path) }
    return pairs
}

/// Reads a word-similarity file (see `readWordPairs(text:path:)`).
public func readWordPairs(contentsOf path: String) throws(WordSimilarityError) -> [WordPair] {
    let text = try TextFile.read(path, as: WordSimilarityError.self)
    return try readWordPairs(text: text, path: path)
}

/// How well vector similarities follow human judgements on one data set.
public struct WordSimilarityResult: Sendable {
    /// Pairs whose two words both have vectors, with the model's cosine similarity.
    public let scored: [(pair: WordPair, cosine: Double)]
    /// Pairs with at least one word missing from the vocabulary (reported, not silently dropped).
    public let outOfVocabulary: [WordPair]
    /// Spearman's ρ between human scores and cosine similarities over `scored`; nil when undefined.
    public let spearman: Double?

    public var found: Int { scored.count }
    public var total: Int { scored.count + outOfVocabulary.count }
    /// found / total.
    public var coverage: Double { total == 0 ? 0 : Double(found) / Double(total) }
}

extension WordVectors {
    /// Spearman's ρ between the human scores of `pairs` and the cosine similarities of their word
    /// vectors, over the pairs whose words are both known (as written, else lowercased).
    public func evaluateSimilarity(_ pairs: [WordPair]) -> WordSimilarityResult {
        var scored: [(pair: WordPair, cosine: Double)] = []
        var missing: [WordPair] = []
        for pair in pairs {
            if let i = index(of: pair.first), let j = index(of: pair.second) {
                scored.append((pair, cosineSimilarity(i, j)))
            } else {
                missing.append(pair)
            }
        }
        let rho = spearmanCorrelation(scored.map(\.pair.score), scored.map(\.cosine))
        return WordSimilarityResult(scored: scored, outOfVocabulary: missing, spearman: rho)
    }
}
