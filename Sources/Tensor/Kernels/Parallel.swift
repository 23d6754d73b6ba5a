/// The persistent thread pool, for loops outside `Tensor` that split well into independent chunks
/// (t-SNE's per-point forces, nearest-neighbour selection).
///
/// ```swift
/// Parallel.forEach(chunks: 16) { chunk in
///     for i in Parallel.range(of: chunk, chunks: 16, count: n) { work(i) }
/// }
/// ```
public enum Parallel {
    /// Threads that `forEach` spreads chunks over: the caller and the pool's workers.
    public static var threadCount: Int { ThreadPool.shared.workerCount + 1 }

    /// Calls `body(chunk)` once for every chunk in `0..<chunks` and returns when all are done.
    /// Chunks run concurrently, so `body` must only write what its chunk owns. With `serial` (or
    /// when the pool is busy with another job) the chunks run one after another on this thread.
    public static func forEach(chunks: Int, serial: Bool = false, _ body: (Int) -> Void) {
        if serial {
            for chunk in 0..<chunks { body(chunk) }
        } else {
            ThreadPool.shared.run(chunks: chunks, body)
        }
    }

    /// The slice of `0..<count` that chunk `chunk` of `chunks` equal slices covers.
    public static func range(of chunk: Int, chunks: Int, count: Int) -> Range<Int> {
        let size = (count + chunks - 1) / max(chunks, 1)
        return min(count, chunk * size)..<min(count, (chunk + 1) * size)
    }
}
