import Foundation
import NN
import Tensor

/// What a decoder-only Transformer has computed for the positions it has read: per layer, the
/// keys and the values of every position, each laid out [positions, batch, C]. With them a new
/// token costs O(positions·C + C²) per layer instead of a forward pass over the whole context.
public final class KeyValueCache {
    public let batchSize: Int
    /// Positions it can hold (the model's block size).
    public let capacity: Int
    /// Positions it holds: the next token read is at this position.
    public internal(set) var count = 0
    let width: Int
    let keys: [UnsafeMutablePointer<Float>]
    let values: [UnsafeMutablePointer<Float>]

    init(layers: Int, capacity: Int, batchSize: Int, width: Int) {
        (self.capacity, self.batchSize, self.width) = (capacity, batchSize, width)
        let size = capacity * batchSize * width
        keys = (0..<layers).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: size) }
        values = (0..<layers).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: size) }
    }

    deinit { for p in keys + values { p.deallocate() } }
}

/// A language model that reads a context incrementally with a `KeyValueCache` (generation).
public protocol KeyValueCaching: LanguageModel {
    /// An empty cache for `batchSize` columns.
    func makeCache(batchSize: Int) -> KeyValueCache
    /// Logits [seqLen·batch, V] for ids [seqLen, batch] that follow the positions `cache` holds,
    /// as the full forward pass over all of them would give (in evaluation mode, without
    /// gradients); the cache then holds them too. `cache.count + seqLen` must be at most its capacity.
    func logits(_ input: [Int], seqLen: Int, cache: KeyValueCache) -> Tensor
}

extension GPTModel: KeyValueCaching {
    public func makeCache(batchSize: Int) -> KeyValueCache {
        KeyValueCache(layers: config.nlayers, capacity: config.contextSize, batchSize: batchSize, width: config.emsize)
    }

    public func logits(_ input: [Int], seqLen n: Int, cache: KeyValueCache) -> Tensor {
        let (b, c, start) = (cache.batchSize, config.emsize, cache.count)
        precondition(
            start + n <= cache.capacity,
            "GPT: \(start) cached and \(n) new positions exceed the block size \(cache.capacity)")
        return withNoGrad {
            var x = transformer.embed(input, seqLen: n, batchSize: b, start: start)
            for (l, block) in transformer.h.enumerated() {
                let qkv = block.attn.cAttn(block.ln1(x))
                let attended = cachedAttention(
                    qkv, keys: cache.keys[l], values: cache.values[l], start: start, rows: n, batch: b, width: c)
                x = x + block.attn.cProj(attended)
                x = x + block.mlp(block.ln2(x))
            }
            cache.count = start + n
            return decoder(transformer.lnF(x).reshaped([n * b, c]))
        }
    }

    /// Appends the keys and values of `qkv` [rows, batch, 3C] at positions start ..< start + rows
    /// and returns each row's causal attention over positions ≤ its own, [rows, batch, C].
    func cachedAttention(
        _ qkv: Tensor, keys: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<Float>, start: Int, rows: Int,
        batch: Int, width c: Int
    ) -> Tensor {
        let heads = config.attentionHeads
        let d = c / heads
        let scale = 1 / Float(d).squareRoot()
        let source = qkv.pointer
        for r in 0..<rows {
            for column in 0..<batch {
                let from = source + (r * batch + column) * 3 * c
                let to = ((start + r) * batch + column) * c
                (keys + to).update(from: from + c, count: c)
                (values + to).update(from: from + 2 * c, count: c)
            }
        }
        let out = Tensor.zeros([rows, batch, c])
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: start + rows)
        defer { scores.deallocate() }
        for r in 0..<rows {
            let positions = start + r + 1
            for column in 0..<batch {
                let query = source + (r * batch + column) * 3 * c
                let y = out.pointer + (r * batch + column) * c
                for head in 0..<heads {
                    let offset = head * d
                    var highest = -Float.infinity
                    for j in 0..<positions {
                        let key = keys + (j * batch + column) * c + offset
                        var dot: Float = 0
                        for i in 0..<d { dot += query[offset + i] * key[i] }
                        scores[j] = dot * scale
                        highest = max(highest, scores[j])
                    }
                    var total: Float = 0
                    for j in 0..<positions {
                        scores[j] = Foundation.exp(scores[j] - highest)
                        total += scores[j]
                    }
                    for j in 0..<positions {
                        let weight = scores[j] / total
                        let value = values + (j * batch + column) * c + offset
                        for i in 0..<d { y[offset + i] += weight * value[i] }
                    }
                }
            }
        }
        return out
    }
}
