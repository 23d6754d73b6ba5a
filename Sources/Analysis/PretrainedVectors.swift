import Models
import Text

extension WordVectors {
    /// Kim (2014)'s CNN-static and CNN-non-static: copies the vector of each vocabulary word found
    /// (as written, else lowercased) into the classifier's embedding, whose other rows keep their
    /// initialisation; `<pad>` and `<unk>` are left alone. Returns how many words were found.
    @discardableResult
    public func copy(into classifier: any SentenceClassifier, vocabulary: Vocabulary) -> Int {
        let weight = classifier.embedding.weight
        precondition(
            weight.shape == [vocabulary.count, dimension],
            "WordVectors.copy: embedding \(weight.shape) vs \(vocabulary.count)×\(dimension)")
        var found = 0
        for (id, word) in vocabulary.words.enumerated()
        where id != ClassificationVocabulary.padID && id != ClassificationVocabulary.unkID {
            guard let row = index(of: word) else { continue }
            (weight.pointer + id * dimension).update(from: matrix.pointer + row * dimension, count: dimension)
            found += 1
        }
        return found
    }
}
