import Formats
import NN

/// A run's config.json flattened to `key: value` pairs named like `perplex train`'s options
/// (`model`, `emsize`, `batch-size`, …), for tables and report pages.
public enum RunSettings {
    /// The pairs in a stable order: `data`, then the model's fields, then the training options,
    /// then anything else; each section's keys sorted. Nested section names are dropped; a key
    /// that appears twice keeps its first value.
    public static func flatten(_ config: JSONValue) -> [(key: String, value: String)] {
        guard case .object(let top) = config else { return [] }
        let sections = ["data", "model", "training", "parameters"]
        let order = sections.filter { top[$0] != nil } + top.keys.filter { !sections.contains($0) }.sorted()
        var pairs: [(key: String, value: String)] = []
        var seen = Set<String>()
        func add(_ key: String, _ value: JSONValue) {
            let name = optionName(key)
            if seen.insert(name).inserted { pairs.append((name, value.text)) }
        }
        for key in order {
            guard let value = top[key] else { continue }
            if case .object(let fields) = value {
                for field in fields.keys.sorted() { if let inner = fields[field] { add(field, inner) } }
            } else {
                add(key, value)
            }
        }
        return pairs
    }

    /// `batchSize` → `batch-size`; the model config's `kind` is the `model` option.
    public static func optionName(_ field: String) -> String {
        if field == "kind" { return "model" }
        var name = ""
        for character in field {
            if character.isUppercase {
                name += "-" + character.lowercased()
            } else {
                name.append(character)
            }
        }
        return name
    }
}
