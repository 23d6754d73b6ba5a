import Foundation

/// A byte-level BPE tokenizer's files in GPT-2's layout, which Hugging Face's `tokenizers` reads
/// (`ByteLevelBPETokenizer(vocab, merges)`, `models.BPE.from_file`):
/// - `vocab.json`: `{"token": id, …}`, tokens spelled in `ByteLevelAlphabet`, in id order;
/// - `merges.txt`: the line `#version: 0.2`, then one merge a line in rank order, its two tokens
///   spelled in the alphabet and separated by a space (the alphabet has no space: " " is "Ġ").
public enum BPEFiles {
    public static let vocabularyName = "vocab.json"
    public static let mergesName = "merges.txt"
    /// The first line of `merges.txt`.
    public static let mergesHeader = "#version: 0.2"

    /// Writes both files into `folder`.
    public static func write(_ tokenizer: BPETokenizer, to folder: URL) throws(TokenizerError) {
        var vocabulary = "{"
        for (id, bytes) in tokenizer.tokens.enumerated() {
            if id > 0 { vocabulary += "," }
            vocabulary += "\"" + escaped(ByteLevelAlphabet.spelling(of: bytes)) + "\":\(id)"
        }
        vocabulary += "}\n"
        try TokenizerFolder.write(Data(vocabulary.utf8), to: folder.appendingPathComponent(vocabularyName))
        var merges = mergesHeader + "\n"
        for merge in tokenizer.merges {
            merges +=
                ByteLevelAlphabet.spelling(of: tokenizer.tokens[Int(merge.left)]) + " "
                + ByteLevelAlphabet.spelling(of: tokenizer.tokens[Int(merge.right)]) + "\n"
        }
        try TokenizerFolder.write(Data(merges.utf8), to: folder.appendingPathComponent(mergesName))
    }

    /// Reads both files from `folder`; a file that is missing or breaks the layout is a one-line
    /// error naming it (and the line of a bad merge).
    public static func read(from folder: URL) throws(TokenizerError) -> BPETokenizer {
        let vocabularyURL = folder.appendingPathComponent(vocabularyName)
        let entries = try TokenizerFolder.readJSON([String: Int].self, from: vocabularyURL)
        var tokens = [[UInt8]?](repeating: nil, count: entries.count)
        var ids: [String: Int32] = [:]
        for (spelling, id) in entries.sorted(by: { $0.value < $1.value }) {
            guard tokens.indices.contains(id), tokens[id] == nil else {
                throw .badFolder(
                    vocabularyURL.path, reason: "ids must be 0..<\(entries.count), each once; '\(spelling)' has \(id)")
            }
            guard let bytes = ByteLevelAlphabet.bytes(of: spelling), !bytes.isEmpty else {
                throw .badFolder(vocabularyURL.path, reason: "token '\(spelling)' is not spelled in GPT-2's byte alphabet")
            }
            tokens[id] = bytes
            ids[spelling] = Int32(id)
        }
        let mergesPath = folder.appendingPathComponent(mergesName).path
        var merges: [BPEMerge] = []
        for (index, line) in TextFile.lines(of: try TokenizerFolder.readText(mergesPath)).enumerated() {
            if index == 0, line.hasPrefix("#version") { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw .badFolder(mergesPath, reason: "line \(index + 1) is not two tokens separated by one space")
            }
            guard let left = ids[String(parts[0])], let right = ids[String(parts[1])],
                let result = ids[String(parts[0] + parts[1])]
            else { throw .badFolder(mergesPath, reason: "line \(index + 1) names a token that is not in \(vocabularyName)") }
            merges.append(BPEMerge(left: left, right: right, result: result))
        }
        return try BPETokenizer(tokens: tokens.map { $0! }, merges: merges, source: folder.path)
    }

    /// A spelling inside JSON quotes (the alphabet has no control characters; only `"` and `\` need it).
    private static func escaped(_ spelling: String) -> String {
        spelling.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
