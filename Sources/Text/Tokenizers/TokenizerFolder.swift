import Foundation

/// A tokenizer's files in a run folder: `tokenizer.json` (`{"kind": "char", "vocabularySize": 65}`)
/// and the kind's own files beside it — `vocab.txt` (word), `chars.json` (char), `vocab.json` and
/// `merges.txt` in GPT-2's layout (bpe).
///
/// ```swift
/// try CharTokenizer(text: "abc").save(to: "runs/gpt")
/// let tokenizer = try TokenizerFolder.load(from: "runs/gpt")   // any Tokenizer
/// ```
public enum TokenizerFolder {
    /// The file naming the kind.
    public static let fileName = "tokenizer.json"

    /// What `tokenizer.json` holds.
    struct Header: Codable {
        var kind: TokenizerKind
        var vocabularySize: Int
    }

    /// Writes `tokenizer.json` and the kind's files into `folder`, creating it when missing.
    public static func save(_ tokenizer: some Tokenizer, to folder: String) throws(TokenizerError) {
        let url = URL(fileURLWithPath: folder)
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw .unwritable(folder, reason: "cannot create the folder")
        }
        try tokenizer.writeFiles(to: url)
        try writeJSON(
            Header(kind: tokenizer.kind, vocabularySize: tokenizer.vocabularySize), to: url.appendingPathComponent(fileName))
    }

    /// The tokenizer saved in `folder`; a missing folder or file, or one that does not parse, is a
    /// one-line error naming it.
    public static func load(from folder: String) throws(TokenizerError) -> any Tokenizer {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .badFolder(folder, reason: "no such folder")
        }
        let url = URL(fileURLWithPath: folder)
        let headerURL = url.appendingPathComponent(fileName)
        let header = try readJSON(Header.self, from: headerURL)
        let tokenizer: any Tokenizer =
            switch header.kind {
            case .word: try WordTokenizer.load(from: url)
            case .char: try CharTokenizer.load(from: url)
            case .bpe: try BPETokenizer.load(from: url)
            }
        guard tokenizer.vocabularySize == header.vocabularySize else {
            throw .badFolder(
                headerURL.path,
                reason:
                    "it says \(header.vocabularySize) tokens, the \(header.kind.rawValue) files hold \(tokenizer.vocabularySize)")
        }
        return tokenizer
    }

    /// The text of a tokenizer file (UTF-8, byte-order mark dropped), its failure a `badFolder` error.
    static func readText(_ path: String) throws(TokenizerError) -> String {
        do { return try TextFile.read(path) } catch {
            switch error {
            case .missing: throw .badFolder(path, reason: "file not found")
            case .directory: throw .badFolder(path, reason: "a folder, not a file")
            case .unreadable: throw .badFolder(path, reason: "not UTF-8 text")
            }
        }
    }

    /// A JSON file decoded as `type`.
    static func readJSON<Value: Decodable>(_ type: Value.Type, from url: URL) throws(TokenizerError) -> Value {
        let text = try readText(url.path)
        do { return try JSONDecoder().decode(type, from: Data(text.utf8)) } catch {
            throw .badFolder(url.path, reason: "not the expected JSON (\(oneLine(error)))")
        }
    }

    /// `value` as JSON (sorted keys, slashes kept), written atomically.
    static func writeJSON<Value: Encodable>(_ value: Value, to url: URL) throws(TokenizerError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do { data = try encoder.encode(value) } catch { throw .unwritable(url.path, reason: oneLine(error)) }
        try write(data + Data("\n".utf8), to: url)
    }

    /// `data` written atomically to `url`.
    static func write(_ data: Data, to url: URL) throws(TokenizerError) {
        do { try data.write(to: url, options: .atomic) } catch { throw .unwritable(url.path, reason: oneLine(error)) }
    }

    /// An error's description on one line.
    static func oneLine(_ error: any Error) -> String {
        let text: String
        if let decoding = error as? DecodingError {
            switch decoding {
            case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context),
                .valueNotFound(_, let context):
                let path = context.codingPath.map(\.stringValue).joined(separator: ".")
                text = path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
            @unknown default: text = "\(decoding)"
            }
        } else {
            text = error.localizedDescription
        }
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
