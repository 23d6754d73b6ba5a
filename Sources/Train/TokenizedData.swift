import Foundation
import Text

/// Text cut into tokens by a tokenizer of `Text/Tokenizers` (nanoGPT's data path): a text file
/// (split 90/10 as nanoGPT's prepare.py) or a folder with train/valid/test.txt, and the tokenizer
/// to read it with.
public struct TokenizedData: Sendable {
    /// Which tokenizer reads the text.
    public enum Choice: Sendable, Equatable {
        /// nanoGPT's `shakespeare_char`: the sorted set of the whole text's characters.
        case char
        /// A tokenizer saved in a folder (`perplex tokenizer train --out FOLDER`).
        case folder(String)
    }

    public var path: String
    public var choice: Choice

    public init(path: String, choice: Choice) { (self.path, self.choice) = (path, choice) }

    /// The token streams as a corpus (a text without a test part is scored on its val part), the
    /// tokenizer, and the characters per token of the val and test streams for a tokenizer whose
    /// losses are also given in bits per character; a one-line error for unreadable text or
    /// characters the tokenizer lacks.
    public func read() throws(TrainError) -> (
        corpus: Corpus, tokenizer: any Tokenizer, hasTest: Bool, charactersPerToken: (valid: Double, test: Double)?
    ) {
        do {
            let text = try SplitText.read(path)
            let tokenizer: any Tokenizer
            switch choice {
            case .char: tokenizer = CharTokenizer(text: text.all)
            case .folder(let folder): tokenizer = try TokenizerFolder.load(from: folder)
            }
            let streams = try text.encoded(with: tokenizer)
            let corpus = Corpus(
                vocabulary: Vocabulary(words: tokenizer.spellings), train: streams.train.ids,
                valid: streams.valid.ids, test: streams.test?.ids ?? streams.valid.ids)
            let test = streams.test ?? streams.valid
            let perToken = (valid: streams.valid.charactersPerToken, test: test.charactersPerToken)
            return (corpus, tokenizer, streams.test != nil, tokenizer.kind.spellsWholeText ? perToken : nil)
        } catch { throw TrainError(description: "\(error)") }
    }

    /// The text an evaluation scores, read by `tokenizer`: the file `text` whole, or else the test
    /// part of `data` (a folder's test.txt; the val part of a single file, cut as training cut it).
    public static func scored(text: String?, data: String?, tokenizer: some Tokenizer) throws(TrainError) -> TokenStream {
        do {
            if let text { return try TextPart(text: try TokenizerText.read(text), source: text).encoded(with: tokenizer) }
            guard let data else { throw TrainError(description: "--text FILE (or --data, the run's data) is needed") }
            let split = try SplitText.read(data)
            return try (split.test ?? split.valid).encoded(with: tokenizer)
        } catch let error as TrainError { throw error } catch { throw TrainError(description: "\(error)") }
    }
}
