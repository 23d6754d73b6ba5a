/// How data-parallel training sends its gradients (`--no-overlap`, `--no-sparse-embedding`);
/// neither changes the result, only when and how many bytes travel.
public struct GradientExchange: Codable, Equatable, Sendable {
    /// All-reduce each bucket as soon as backward has finished it, on a communication thread,
    /// instead of all buckets after backward.
    public var overlap = true
    /// Send embedding tables' gradients as the rows that changed when that is smaller.
    public var sparseEmbedding = true

    public init(overlap: Bool = true, sparseEmbedding: Bool = true) {
        (self.overlap, self.sparseEmbedding) = (overlap, sparseEmbedding)
    }
}
