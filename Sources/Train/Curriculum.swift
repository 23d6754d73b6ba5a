/// Short sequences first (`--curriculum`): during the first `epochs` epochs the BPTT window grows
/// with the position in the training stream, from `start` steps to `--bptt`.
///
/// Over a stream of R rows (R − 1 positions with a target), the window that starts at row i of
/// epoch e (1-based, e ≤ epochs) has
///
///     length = start + ⌊(bptt − start) · g / (epochs · (R − 1))⌋,   g = (e − 1)·(R − 1) + i,
///
/// cut at the stream's end; the next window starts where it ends. From epoch `epochs + 1` on
/// every window has `bptt` steps, as without a curriculum. Short windows mean more, smaller
/// updates early on (and, for recurrent models, gradients through fewer steps); validation always
/// uses `bptt`.
public struct Curriculum: Codable, Equatable, Sendable {
    /// Window length at the very start.
    public var start: Int
    /// Epochs over which the length grows to `bptt`.
    public var epochs: Int

    public init(start: Int = 5, epochs: Int = 1) {
        self.start = start
        self.epochs = epochs
    }

    /// A one-line problem with these settings for a window of `bptt` steps, or nil.
    public func problem(bptt: Int) -> String? {
        if start < 1 || start > bptt { return "--curriculum-start must be in 1…--bptt (\(bptt)), got \(start)" }
        return TrainOptions.outside("--curriculum-epochs", epochs, 1...TrainOptions.Limits.epochs)
    }

    /// The length of the window starting at `row` of `epoch` over a stream of `rows` rows.
    public func length(epoch: Int, row: Int, rows: Int, bptt: Int) -> Int {
        let positions = rows - 1
        guard epoch <= epochs, positions > 0 else { return bptt }
        let g = (epoch - 1) * positions + row
        // (bptt − start)·g can pass Int.max on a long stream; the quotient is at most bptt − start.
        let product = (bptt - start).multipliedFullWidth(by: g)
        return start + (epochs * positions).dividingFullWidth(product).quotient
    }
}

/// The training windows of one epoch, (first row, requested length), in order: every `bptt` rows
/// without a curriculum (the recipe's), growing lengths with one.
public func trainingWindows(rows: Int, bptt: Int, epoch: Int, curriculum: Curriculum?) -> [(start: Int, length: Int)] {
    var windows: [(start: Int, length: Int)] = []
    var row = 0
    while row < rows - 1 {
        let length = curriculum?.length(epoch: epoch, row: row, rows: rows, bptt: bptt) ?? bptt
        windows.append((row, length))
        row += Swift.max(1, length)
    }
    return windows
}
