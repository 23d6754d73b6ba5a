/// The distinct pieces of texts and how often each occurs, as Hugging Face's trainer counts them:
/// each line, its "\n" included, is pre-tokenized on its own (`GPT2PreTokenizer`).
struct BPEWordCounter {
    /// The distinct pieces, numbered in order of first appearance.
    private(set) var words = ByteSliceTable()
    /// Occurrences of each piece.
    private(set) var counts: [Int] = []

    /// Counts the pieces of `text`'s lines.
    mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
                if end < bytes.count { end += 1 }
                let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                GPT2PreTokenizer.forEachPiece(in: line) { range in
                    let (index, inserted) = words.insert(UnsafeBufferPointer(rebasing: line[range]))
                    if inserted { counts.append(0) }
                    counts[index] += 1
                }
                start = end
            }
        }
    }
}
