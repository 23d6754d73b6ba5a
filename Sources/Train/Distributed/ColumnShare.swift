extension Communicator {
    /// This rank's share of `count` columns: contiguous, sizes differing by at most one, in rank
    /// order (empty when there are more ranks than columns).
    public func share(of count: Int) -> Range<Int> {
        (rank * count / size)..<((rank + 1) * count / size)
    }
}
