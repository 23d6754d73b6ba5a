import Foundation

/// One token per Unicode scalar, as nanoGPT's `shakespeare_char`: the vocabulary is the sorted set
/// of the text's scalars (Python's `sorted(set(text))`, code-point order), id = position in it.
///
/// ```swift
/// let tokenizer = CharTokenizer(text: "hello\n")   // characters "\n", "e", "h", "l", "o"
/// try tokenizer.encode("hole")                      // [2, 4, 3, 1]
/// ```
public struct CharTokenizer: Tokenizer, Equatable {
    /// The characters, sorted by code point; a character's id is its index.
    public let characters: [Unicode.Scalar]
    /// Ids of the ASCII characters (-1: not held), then of the others.
    private let asciiIds: [Int]
    private let otherIds: [Unicode.Scalar: Int]

    public var kind: TokenizerKind { .char }
    public var vocabularySize: Int { characters.count }

    /// The tokenizer of the sorted set of `text`'s characters.
    public init(text: String) {
        var seen = Set<Unicode.Scalar>()
        var ascii = [Bool](repeating: false, count: 128)
        for scalar in text.unicodeScalars {
            if scalar.isASCII { ascii[Int(scalar.value)] = true } else { seen.insert(scalar) }
        }
        let held = (0..<128).filter { ascii[$0] }.map { Unicode.Scalar(UInt8($0)) }
        self.init(sortedCharacters: held + seen.sorted { $0.value < $1.value })
    }

    /// The tokenizer of `characters` in the given order (as read back from `chars.json`); ids are
    /// positions, so the order must be the saved one.
    public init(characters: [Unicode.Scalar]) { self.init(sortedCharacters: characters) }

    private init(sortedCharacters characters: [Unicode.Scalar]) {
        self.characters = characters
        var asciiIds = [Int](repeating: -1, count: 128)
        var otherIds: [Unicode.Scalar: Int] = [:]
        for (id, scalar) in characters.enumerated() {
            if scalar.isASCII { asciiIds[Int(scalar.value)] = id } else { otherIds[scalar] = id }
        }
        self.asciiIds = asciiIds
        self.otherIds = otherIds
    }

    /// The id of `scalar`, nil when the tokenizer does not hold it.
    public func id(of scalar: Unicode.Scalar) -> Int? {
        if scalar.isASCII {
            let id = asciiIds[Int(scalar.value)]
            return id < 0 ? nil : id
        }
        return otherIds[scalar]
    }

    /// The ids of `text`'s characters; characters not held are an error naming them and where the
    /// first one is.
    public func encode(_ text: String) throws(TokenizerError) -> [Int] {
        var ids: [Int] = []
        ids.reserveCapacity(text.utf8.count)
        var unknown: [Unicode.Scalar] = []
        var firstUnknown = (line: 0, column: 0)
        var (line, column) = (1, 0)
        for scalar in text.unicodeScalars {
            column += 1
            if let id = id(of: scalar) {
                ids.append(id)
            } else if !unknown.contains(scalar) {
                if unknown.isEmpty { firstUnknown = (line, column) }
                unknown.append(scalar)
            }
            if scalar == "\n" { (line, column) = (line + 1, 0) }
        }
        guard unknown.isEmpty else {
            throw .unknownCharacters(
                unknown, line: firstUnknown.line, column: firstUnknown.column, file: nil, known: characters.count)
        }
        return ids
    }

    public func decode(_ ids: [Int]) -> String {
        var scalars = String.UnicodeScalarView()
        for id in ids { scalars.append(characters.indices.contains(id) ? characters[id] : "\u{FFFD}") }
        return String(scalars)
    }

    /// `chars.json`: the characters in id order, a JSON array of one-character strings.
    public func writeFiles(to folder: URL) throws(TokenizerError) {
        try TokenizerFolder.writeJSON(characters.map { String($0) }, to: folder.appendingPathComponent(Self.fileName))
    }

    /// The file beside `tokenizer.json` that holds the characters.
    public static let fileName = "chars.json"

    /// Reads `chars.json` from `folder`.
    public static func load(from folder: URL) throws(TokenizerError) -> CharTokenizer {
        let url = folder.appendingPathComponent(fileName)
        let strings: [String] = try TokenizerFolder.readJSON([String].self, from: url)
        var scalars: [Unicode.Scalar] = []
        for (index, string) in strings.enumerated() {
            guard string.unicodeScalars.count == 1, let scalar = string.unicodeScalars.first else {
                throw .badFolder(url.path, reason: "entry \(index + 1) is not one character")
            }
            scalars.append(scalar)
        }
        guard Set(scalars).count == scalars.count else { throw .badFolder(url.path, reason: "a character appears twice") }
        return CharTokenizer(characters: scalars)
    }

    public static func == (a: CharTokenizer, b: CharTokenizer) -> Bool { a.characters == b.characters }
}
