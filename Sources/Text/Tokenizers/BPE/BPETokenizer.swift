import Foundation

/// GPT-2's byte-level byte-pair encoding: text is cut into pieces by `GPT2PreTokenizer`, each
/// piece's UTF-8 bytes start as one token each, and the merges join neighbouring tokens in rank
/// order (as Hugging Face's `tokenizers` applies them, so that it encodes any text with this
/// tokenizer's `vocab.json` and `merges.txt` to the same ids). Every text can be encoded: the 256
/// single bytes are tokens. `BPETrainer` learns the merges.
///
/// ```swift
/// let bpe = try BPETrainer(vocabularySize: 300).train(texts: ["low lower lowest"])
/// let ids = bpe.encode("lowly")
/// bpe.decode(ids)   // "lowly"
/// ```
public struct BPETokenizer: Tokenizer, Equatable {
    /// Each token's bytes, by id.
    public let tokens: [[UInt8]]
    /// The merges in rank order.
    public let merges: [BPEMerge]
    /// The id of each byte's one-byte token.
    let byteIds: [Int32]
    /// Each merge by its pair.
    let mergeTable: [UInt64: RankedMerge]

    public var kind: TokenizerKind { .bpe }
    public var vocabularySize: Int { tokens.count }

    /// The smallest vocabulary: the 256 bytes.
    public static let minimumVocabularySize = 256

    /// A tokenizer of `tokens` (by id) and `merges` (in rank order, each `result` the token of its
    /// two tokens' bytes); what breaks these rules is an error naming `source`.
    public init(tokens: [[UInt8]], merges: [BPEMerge], source: String = "BPE tokenizer") throws(TokenizerError) {
        var ids: [[UInt8]: Int32] = [:]
        for (id, bytes) in tokens.enumerated() {
            guard !bytes.isEmpty else { throw .badFolder(source, reason: "token \(id) is empty") }
            guard ids.updateValue(Int32(id), forKey: bytes) == nil else {
                throw .badFolder(source, reason: "token \(id) (\(ByteLevelAlphabet.spelling(of: bytes))) appears twice")
            }
        }
        var byteIds = [Int32](repeating: -1, count: 256)
        for byte in 0..<256 {
            guard let id = ids[[UInt8(byte)]] else {
                throw .badFolder(source, reason: "byte \(byte) (\(ByteLevelAlphabet.spelling(of: [UInt8(byte)]))) has no token")
            }
            byteIds[byte] = id
        }
        var table: [UInt64: RankedMerge] = [:]
        for (rank, merge) in merges.enumerated() {
            guard tokens.indices.contains(Int(merge.left)), tokens.indices.contains(Int(merge.right)),
                tokens.indices.contains(Int(merge.result)),
                tokens[Int(merge.result)] == tokens[Int(merge.left)] + tokens[Int(merge.right)]
            else { throw .badFolder(source, reason: "merge \(rank + 1) does not join two tokens into a third") }
            let key = BPEMerge.key(merge.left, merge.right)
            // As Hugging Face: a pair listed twice keeps its later rank.
            table[key] = RankedMerge(rank: Int32(rank), result: merge.result)
        }
        self.tokens = tokens
        self.merges = merges
        self.byteIds = byteIds
        self.mergeTable = table
    }

    /// The ids of `text` (never fails: every byte is a token).
    public func encode(_ text: String) -> [Int] { encode32(text).map(Int.init) }

    /// The ids of `text` as 32-bit integers.
    public func encode32(_ text: String) -> [Int32] {
        var text = text
        return text.withUTF8 { bytes in
            var ids: [Int32] = []
            ids.reserveCapacity(bytes.count / 3)
            var cache = ByteSliceTable()
            // Piece k's ids are cachedIds[cachedStarts[k]..<cachedStarts[k + 1]].
            var cachedIds: [Int32] = []
            var cachedStarts: [Int] = [0]
            var merger = BPEWordMerger()
            GPT2PreTokenizer.forEachPiece(in: bytes) { range in
                let piece = UnsafeBufferPointer(rebasing: bytes[range])
                if piece.count == 1 {
                    ids.append(byteIds[Int(piece[0])])
                    return
                }
                let (index, inserted) = cache.insert(piece)
                if inserted {
                    merger.merge(piece, byteIds: byteIds, merges: mergeTable, into: &cachedIds)
                    cachedStarts.append(cachedIds.count)
                }
                ids.append(contentsOf: cachedIds[cachedStarts[index]..<cachedStarts[index + 1]])
            }
            return ids
        }
    }

    /// The text of `ids`: their bytes read as UTF-8, bytes that are not UTF-8 as U+FFFD (as
    /// Hugging Face's byte-level decoder); an id outside the vocabulary reads as U+FFFD.
    public func decode(_ ids: [Int]) -> String {
        var bytes: [UInt8] = []
        for id in ids {
            if tokens.indices.contains(id) { bytes += tokens[id] } else { bytes += Array("\u{FFFD}".utf8) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `vocab.json` and `merges.txt` in GPT-2's layout (`BPEFiles`).
    public func writeFiles(to folder: URL) throws(TokenizerError) { try BPEFiles.write(self, to: folder) }

    /// Reads `vocab.json` and `merges.txt` from `folder`.
    public static func load(from folder: URL) throws(TokenizerError) -> BPETokenizer { try BPEFiles.read(from: folder) }

    public static func == (a: BPETokenizer, b: BPETokenizer) -> Bool { a.tokens == b.tokens && a.merges == b.merges }
}
