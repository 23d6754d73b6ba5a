/// Which input rows make up each word: its own row, then one row per character n-gram (fastText's
/// `getSubwords`; `</s>` has no n-grams). n-gram buckets get rows only when some vocabulary word
/// uses them, numbered after the words in order of first use, so the input matrix holds
/// `words + used buckets` rows instead of `words + buckets`.
public struct SubwordTable: Sendable {
    public let minLength: Int
    public let maxLength: Int
    public let buckets: Int
    /// Rows of the input matrix: one per word plus one per used bucket.
    public let rowCount: Int
    /// `rows[offsets[w]..<offsets[w + 1]]` are word `w`'s rows (repeats kept, as in fastText).
    let offsets: [Int]
    let rows: [Int32]
    /// Σ m² / n over word `w`'s distinct rows (multiplicity m, n rows in all): how much the average
    /// of the rows moves when every listed row gets the same update (1 when no row repeats).
    let selfWeights: [Float]
    private let bucketRows: [Int32]

    /// The table for `vocabulary`; `maxLength == 0` means no subwords (each word is its own row).
    public init(vocabulary: SkipGramVocabulary, minLength: Int, maxLength: Int, buckets: Int) {
        (self.minLength, self.maxLength) = (minLength, maxLength)
        let useSubwords = maxLength > 0 && buckets > 0
        self.buckets = useSubwords ? buckets : 0
        var bucketRows = [Int32](repeating: -1, count: self.buckets)
        var offsets = [0]
        var rows: [Int32] = []
        var selfWeights: [Float] = []
        var nextRow = Int32(vocabulary.count)
        for (id, word) in vocabulary.utf8.enumerated() {
            rows.append(Int32(id))
            if useSubwords && vocabulary.words[id] != Tokenizer.endOfLine {
                for bucket in CharacterNGrams.buckets(
                    ofWordBytes: word, minLength: minLength, maxLength: maxLength, buckets: buckets)
                {
                    if bucketRows[bucket] < 0 {
                        bucketRows[bucket] = nextRow
                        nextRow += 1
                    }
                    rows.append(bucketRows[bucket])
                }
            }
            let mine = rows[offsets[offsets.count - 1]...]
            var multiplicity: [Int32: Int] = [:]
            for row in mine { multiplicity[row, default: 0] += 1 }
            selfWeights.append(Float(multiplicity.values.reduce(0) { $0 + $1 * $1 }) / Float(mine.count))
            offsets.append(rows.count)
        }
        (self.offsets, self.rows, self.selfWeights, self.bucketRows) = (offsets, rows, selfWeights, bucketRows)
        rowCount = Int(nextRow)
    }

    /// The input rows of vocabulary word `id`.
    public func rows(ofWord id: Int) -> [Int] { rows[offsets[id]..<offsets[id + 1]].map(Int.init) }

    /// The input rows of a word outside the vocabulary: its n-grams whose buckets were trained
    /// (fastText also averages untrained buckets, which hold only their random start).
    public func rows(ofUnknownWord word: String) -> [Int] {
        guard buckets > 0 else { return [] }
        return CharacterNGrams.buckets(
            ofWordBytes: Array(word.utf8), minLength: minLength, maxLength: maxLength, buckets: buckets
        )
        .compactMap { bucketRows[$0] >= 0 ? Int(bucketRows[$0]) : nil }
    }
}
