import Foundation
import Text

extension RunConfig {
    /// Flat "section.key" → value pairs of this configuration plus the corpus' sizes, for
    /// `Communicator.checkAgreement`: what every rank of a distributed run must agree on (the rank
    /// count is left out: it is the same by definition).
    public func settings(corpus: Corpus) -> [String: String] {
        var result = [
            "corpus.tokens": "\(corpus.train.count)/\(corpus.valid.count)/\(corpus.test.count)",
            "corpus.words": "\(corpus.vocabulary.count)"
        ]
        guard let json = try? JSONEncoder().encode(self),
            let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any]
        else { return result }
        func flatten(_ value: Any, _ key: String) {
            if let dictionary = value as? [String: Any] {
                for (name, inner) in dictionary { flatten(inner, key.isEmpty ? name : "\(key).\(name)") }
            } else if key != "ranks" {
                result[key] = "\(value)"
            }
        }
        flatten(object, "")
        return result
    }
}
