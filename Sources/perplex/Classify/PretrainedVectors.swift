import Analysis
import Models
import Text

/// Kim (2014)'s CNN-static and CNN-non-static: the embedding rows of words found in a `.vec` file
/// start from their pretrained vectors; the others keep the U(±0.25) initialisation.
struct PretrainedVectors {
    let path: String
    let vectors: WordVectors

    init(path: String) throws {
        self.path = path
        do { vectors = try WordVectors(contentsOfVecFile: path) } catch { throw fail("\(error)") }
    }

    var dimension: Int { vectors.dimension }

    /// Copies the vector of each vocabulary word found (as written, else lowercased) into the
    /// classifier's embedding; `<pad>` stays zero. Returns how many words were found.
    @discardableResult
    func copy(into classifier: any SentenceClassifier, vocabulary: Vocabulary) -> Int {
        let weight = classifier.embedding.weight
        precondition(weight.shape == [vocabulary.count, dimension], "PretrainedVectors: embedding \(weight.shape) vs \(vocabulary.count)×\(dimension)")
        var found = 0
        for (id, word) in vocabulary.words.enumerated() where id != ClassificationVocabulary.padID && id != ClassificationVocabulary.unkID {
            guard let row = vectors.index(of: word) else { continue }
            (weight.pointer + id * dimension).update(from: vectors.matrix.pointer + row * dimension, count: dimension)
            found += 1
        }
        return found
    }
}
