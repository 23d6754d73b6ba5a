import Foundation
import Text

/// How `perplex train` reads a corpus folder with the word tokenizer: the vocabulary limit
/// (`--max-vocab`, `--min-count`), whether the encoded splits are cached beside the data
/// (`TokenCache`; `--no-token-cache` turns it off), and where progress and cache notices go (the
/// CLI's stderr; nowhere by default).
public struct CorpusReading: Sendable {
    public var limit = VocabularyLimit()
    public var tokenCache = true
    /// Progress lines while encoding and one-line cache notices.
    public var notice: (@Sendable (String) -> Void)?
    /// Below this many bytes of text the routine lines (cache read, encoded, cache written) are
    /// not given, so a small corpus trains with a quiet stderr; a cache rebuilt or not written is
    /// always said.
    public var routineNoticesFrom = WordStreamEncoder.progressInterval

    public init(limit: VocabularyLimit = VocabularyLimit(), tokenCache: Bool = true, notice: (@Sendable (String) -> Void)? = nil)
    {
        (self.limit, self.tokenCache, self.notice) = (limit, tokenCache, notice)
    }

    /// The corpus of `directory`: from its token cache when that is whole and current, else
    /// encoded from the text (and the cache rewritten). A cache that cannot be written costs a
    /// notice, never the run. `say` gets what the vocabulary limit mapped to `<unk>`.
    public func read(_ directory: String, say: (String) -> Void) throws(TrainError) -> Corpus {
        let notice = self.notice ?? { _ in }
        var routine: (String) -> Void = notice
        let start = ContinuousClock.now
        func seconds() -> Double {
            let elapsed = (ContinuousClock.now - start).components
            return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        }
        var cachePath: String?
        var sources: [TokenCache.Source]?
        if tokenCache, let hashed = TokenCache.sources(of: directory) {
            sources = hashed
            if hashed.reduce(0, { $0 + Int($1.size) }) < routineNoticesFrom { routine = { _ in } }
            if let folder = TokenCache.folder(for: directory) {
                let path = (folder as NSString).appendingPathComponent(TokenCache.fileName(limit))
                cachePath = path
                switch TokenCache.load(path, sources: hashed, limit: limit) {
                case .success(let corpus):
                    routine(
                        "| token cache \(path): \(corpus.vocabulary.count) words, \(corpus.train.count) training tokens, read in "
                            + String(format: "%.2f s", seconds()))
                    return limited(corpus, say: say, mapped: false)
                case .failure(.missing): break
                case .failure(let refusal): notice("| \(refusal): rebuilding \(path)")
                }
            } else {
                notice("| no writable folder for the token cache of \(directory) (nor ~/.cache/perplex): not cached")
            }
        }
        var corpus: Corpus
        do {
            corpus = try Corpus(directory: directory) { progress in
                let megabytes = { (bytes: Int) in String(format: "%.0f", Double(bytes) / 1_048_576) }
                notice(
                    "| encoding \((progress.path as NSString).lastPathComponent): \(megabytes(progress.bytesDone))/\(megabytes(progress.bytes)) MB, \(progress.tokens) tokens, \(progress.words) words"
                )
            }
        } catch { throw TrainError(description: "\(error)") }
        routine(
            String(
                format: "| encoded %d tokens, %d words in %.1f s", corpus.train.count + corpus.valid.count + corpus.test.count,
                corpus.vocabulary.count, seconds()))
        corpus = limited(corpus, say: say, mapped: true)
        if let cachePath, let sources {
            do {
                try TokenCache.write(corpus, sources: sources, limit: limit, to: cachePath)
                routine("| token cache written: \(cachePath)")
            } catch { notice("| token cache not written (\(error)); the next run encodes again") }
        }
        return corpus
    }

    /// `corpus` under the vocabulary limit (`mapped`: not yet applied), saying what it mapped.
    private func limited(_ corpus: Corpus, say: (String) -> Void, mapped: Bool) -> Corpus {
        guard !limit.isNone else { return corpus }
        guard mapped else {
            say("vocabulary limited to \(corpus.vocabulary.count) words (from the token cache)")
            return corpus
        }
        let (limited, mapping) = limit.apply(to: corpus)
        say(
            "vocabulary limited to \(limited.vocabulary.count) of \(corpus.vocabulary.count) words: \(mapping.words) words, \(mapping.tokens) tokens read as \(VocabularyLimit.unknown)"
                + (mapping.addedUnknown ? " (added)" : ""))
        return limited
    }
}
