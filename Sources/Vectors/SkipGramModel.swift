/// Trained skip-gram vectors: a word's vector is the mean of its input rows (its own row and its
/// n-gram rows), as fastText's `getWordVector`.
public struct SkipGramModel: @unchecked Sendable {
    public let vocabulary: SkipGramVocabulary
    public let subwords: SubwordTable
    let input: EmbeddingMatrix
    let output: EmbeddingMatrix

    /// Length of each vector.
    public var dimension: Int { input.dimension }

    /// The vector of vocabulary word `id`.
    public func vector(ofWord id: Int) -> [Float] { mean(of: subwords.rows(ofWord: id)) }

    /// The vector of `word`: a vocabulary word's own, else the mean of its trained n-gram rows;
    /// nil when the word is unknown and has no trained n-gram.
    public func vector(for word: String) -> [Float]? {
        if let id = vocabulary.id(of: word) { return vector(ofWord: id) }
        let rows = subwords.rows(ofUnknownWord: word)
        return rows.isEmpty ? nil : mean(of: rows)
    }

    /// Every vocabulary word's vector, row-major `[vocabulary.count, dimension]`.
    public func wordVectorMatrix() -> [Float] {
        var result: [Float] = []
        result.reserveCapacity(vocabulary.count * dimension)
        for id in 0..<vocabulary.count { result += vector(ofWord: id) }
        return result
    }

    private func mean(of rows: [Int]) -> [Float] {
        var sum = [Double](repeating: 0, count: dimension)
        for r in rows {
            let p = input.row(r)
            for c in 0..<dimension { sum[c] += Double(p[c]) }
        }
        let n = Double(max(rows.count, 1))
        return sum.map { Float($0 / n) }
    }
}
