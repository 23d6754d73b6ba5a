import Tensor
import Text

/// nanoGPT's get_batch: `batchSize` windows of `blockSize` tokens at random offsets of a token
/// stream, x = data[i ..< i+T] and y = data[i+1 ..< i+T+1] for each offset i drawn uniformly from
/// 0 ..< count − T, laid out as the models read them: [T, B] row-major (window b is column b).
public struct RandomWindows {
    public let tokens: TokenIDs
    public let blockSize: Int
    public let batchSize: Int

    /// nil when the stream is too short for one window (it needs `blockSize + 1` tokens).
    public init?(_ tokens: [Int], blockSize: Int, batchSize: Int) {
        self.init(TokenIDs(tokens), blockSize: blockSize, batchSize: batchSize)
    }

    /// nil when the stream is too short for one window (it needs `blockSize + 1` tokens).
    public init?(_ tokens: TokenIDs, blockSize: Int, batchSize: Int) {
        guard blockSize > 0, batchSize > 0, tokens.count > blockSize else { return nil }
        (self.tokens, self.blockSize, self.batchSize) = (tokens, blockSize, batchSize)
    }

    /// One batch: inputs [T·B] and targets [T·B], both [T, B] row-major.
    public func batch(_ generator: RandomGenerator) -> (input: [Int], target: [Int]) {
        let (t, b) = (blockSize, batchSize)
        let starts = (0..<b).map { _ in Int(generator.next() % UInt64(tokens.count - t)) }
        var input = [Int](repeating: 0, count: t * b)
        var target = input
        for (column, start) in starts.enumerated() {
            for row in 0..<t {
                input[row * b + column] = tokens[start + row]
                target[row * b + column] = tokens[start + row + 1]
            }
        }
        return (input, target)
    }
}
