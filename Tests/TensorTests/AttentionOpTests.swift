import Tensor
import Testing

/// The fused self-attention op against central differences and against the same attention
/// composed from generic ops (split, permute, matmul, softmax, dropout).
@Suite struct AttentionOpTests {
    let rng = RandomGenerator(seed: 41)

    /// Attention from generic ops, the layout and dropout order of `Tensor.selfAttention`.
    static func composed(_ qkv: Tensor, heads: Int, mask: Tensor?, dropout p: Float, seed: UInt64) -> Tensor {
        let (l, n, e) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
        let d = e / heads
        let parts = qkv.split(sizes: [e, e, e], axis: 2)
        func splitHeads(_ t: Tensor) -> Tensor { t.reshaped([l, n * heads, d]).permuted([1, 0, 2]) }
        var scores = Tensor.matmul(splitHeads(parts[0]) * (1 / Float(d).squareRoot()), splitHeads(parts[1]), transposeB: true)
        if let mask { scores = scores + mask }
        let weights = scores.softmax().dropout(p: p, training: p > 0, generator: RandomGenerator(seed: seed))
        return Tensor.matmul(weights, splitHeads(parts[2])).permuted([1, 0, 2]).reshaped([l, n, e])
    }

    static func fused(_ qkv: Tensor, heads: Int, mask: Tensor?, dropout p: Float, seed: UInt64) -> Tensor {
        Tensor.selfAttention(
            qkv: qkv, heads: heads, mask: mask, dropout: p, training: p > 0,
            generator: RandomGenerator(seed: seed))
    }

    static func causal(_ size: Int) -> Tensor {
        let mask = Tensor.zeros([size, size])
        for i in 0..<size { for j in (i + 1)..<Swift.max(i + 1, size) { mask[i, j] = -.infinity } }
        return mask
    }

    /// A mask that is not causal: every other key of each row hidden, the diagonal kept.
    static func striped(_ size: Int) -> Tensor {
        let mask = Tensor.zeros([size, size])
        for i in 0..<size { for j in 0..<size where j != i && (i + j) % 2 == 1 { mask[i, j] = -.infinity } }
        return mask
    }

    // Length 20 makes causal rows go in two blocks (16 and 4).
    @Test(arguments: [(4, false, Float(0)), (4, true, Float(0)), (4, true, Float(0.3)), (20, true, Float(0.3))])
    func gradientsMatchCentralDifferences(length: Int, causal: Bool, dropout: Float) {
        let qkv = Tensor.normal([length, length > 4 ? 1 : 2, 12], generator: rng)
        let mask = causal ? Self.causal(length) : nil
        let result = GradCheck.check([qkv]) { Self.fused($0[0], heads: 2, mask: mask, dropout: dropout, seed: 5) }
        #expect(result.passed, "\(result)")
    }

    /// Causal at lengths of one row block, of 16-row blocks (40) and of 32-row blocks (150), and
    /// a mask of another shape, which is added instead.
    @Test(arguments: [
        (7, true, Float(0)), (7, true, Float(0.25)), (40, true, Float(0.25)), (150, true, Float(0)),
        (150, true, Float(0.25)), (40, false, Float(0.25))
    ])
    func matchesTheComposedOps(length: Int, causal: Bool, dropout: Float) {
        let mask = causal ? Self.causal(length) : Self.striped(length)
        let a = Tensor.normal([length, 3, 24], generator: rng)
        let b = a.detach()
        let upstream = Tensor.normal([length, 3, 8], generator: rng)
        a.requiresGrad = true
        b.requiresGrad = true
        let fused = Self.fused(a, heads: 2, mask: mask, dropout: dropout, seed: 9)
        let composed = Self.composed(b, heads: 2, mask: mask, dropout: dropout, seed: 9)
        #expect(fused.shape == composed.shape)
        (fused * upstream).sum().backward()
        (composed * upstream).sum().backward()
        let (fa, fb) = (fused.scalars, composed.scalars)
        for i in 0..<fa.count { #expect(abs(fa[i] - fb[i]) < 1e-5, "output \(i): \(fa[i]) vs \(fb[i])") }
        let (ga, gb) = (a.grad?.scalars ?? [], b.grad?.scalars ?? [])
        #expect(ga.count == a.count && gb.count == b.count)
        for i in 0..<Swift.min(ga.count, gb.count) {
            #expect(abs(ga[i] - gb[i]) < 1e-5, "gradient \(i): \(ga[i]) vs \(gb[i])")
        }
    }
}
