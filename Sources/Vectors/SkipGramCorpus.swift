import Foundation

/// A tokenised training text: the vocabulary and the corpus as word ids, cut into fastText's
/// training lines. Tokens of dropped words are left out; a line ends after `</s>`, after
/// `maxLineLength` kept tokens, or at the end of a file.
public struct SkipGramCorpus: Sendable {
    /// The longest training line: fastText ends a line once it holds more than its `MAX_LINE_SIZE`
    /// (1024) words, so windows never reach across more than 1,025 tokens.
    public static let maxLineLength = 1025

    public let vocabulary: SkipGramVocabulary
    /// Word ids of the kept tokens, in text order.
    public let tokens: [Int32]
    /// Exclusive end (index into `tokens`) of each line.
    public let lineEnds: [Int]

    /// Reads and tokenises `paths` in one pass (see `Tokenizer`), keeping words seen `minCount` times.
    public init(contentsOf paths: [String], minCount: Int) throws(VectorsError) {
        guard !paths.isEmpty else { throw .noInput }
        var counter = WordCounter()
        var raw: [Int32] = []
        var fileEnds: [Int] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .missingFile(path) }
            if isDirectory.boolValue { throw .directory(path) }
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
                throw .unreadable(path)
            }
            data.withUnsafeBytes { buffer in
                Tokenizer.scan(buffer.bindMemory(to: UInt8.self)) { raw.append(counter.add($0)) }
            }
            fileEnds.append(raw.count)
        }
        try self.init(counter: counter, raw: raw, fileEnds: fileEnds, minCount: minCount, paths: paths)
    }

    /// Tokenises `text` (for tests and small inputs).
    public init(text: String, minCount: Int) throws(VectorsError) {
        var counter = WordCounter()
        var raw: [Int32] = []
        Array(text.utf8).withUnsafeBufferPointer { bytes in
            Tokenizer.scan(bytes) { raw.append(counter.add($0)) }
        }
        try self.init(counter: counter, raw: raw, fileEnds: [raw.count], minCount: minCount, paths: ["text"])
    }

    private init(counter: WordCounter, raw: [Int32], fileEnds: [Int], minCount: Int, paths: [String]) throws(VectorsError) {
        guard minCount >= 1 else {
            throw .invalidSetting(name: "min-count", value: "\(minCount)", requirement: "must be at least 1")
        }
        // Only newlines (`</s>`) is no text either.
        let onlyEndOfLine = counter.count == 1 && counter.word(0) == Tokenizer.endOfLine
        guard counter.count > 0, !onlyEndOfLine else { throw .emptyCorpus(paths) }
        // Most frequent first; the stable sort keeps first-appearance order among equal counts.
        let order = (0..<counter.count).filter { counter.counts[$0] >= minCount }
            .enumerated().sorted { a, b in
                let (ca, cb) = (counter.counts[a.element], counter.counts[b.element])
                return ca != cb ? ca > cb : a.offset < b.offset
            }.map(\.element)
        guard !order.isEmpty else {
            let top = (0..<counter.count).max { counter.counts[$0] < counter.counts[$1] } ?? 0
            throw .noFrequentWord(minCount: minCount, mostFrequent: counter.word(top), count: counter.counts[top])
        }
        var newID = [Int32](repeating: -1, count: counter.count)
        for (i, old) in order.enumerated() { newID[old] = Int32(i) }
        vocabulary = SkipGramVocabulary(
            words: order.map { counter.word($0) }, utf8: order.map { Array(counter.wordBytes($0)) },
            counts: order.map { counter.counts[$0] }, tokenCount: raw.count)

        let endOfLine = vocabulary.endOfLineID.map(Int32.init) ?? -1
        var tokens: [Int32] = []
        tokens.reserveCapacity(raw.count)
        var lineEnds: [Int] = []
        var lineStart = 0
        var rawIndex = 0
        for fileEnd in fileEnds {
            while rawIndex < fileEnd {
                let id = newID[Int(raw[rawIndex])]
                rawIndex += 1
                guard id >= 0 else { continue }
                tokens.append(id)
                if id == endOfLine || tokens.count - lineStart == Self.maxLineLength {
                    lineEnds.append(tokens.count)
                    lineStart = tokens.count
                }
            }
            if tokens.count > lineStart {
                lineEnds.append(tokens.count)
                lineStart = tokens.count
            }
        }
        self.tokens = tokens
        self.lineEnds = lineEnds
    }
}
