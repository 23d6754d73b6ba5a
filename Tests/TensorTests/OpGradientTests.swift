import Tensor
import Testing

/// Every differentiable op against central differences (GradCheck), on random shapes.
@Suite struct OpGradientTests {
    let rng = RandomGenerator(seed: 42)

    func randn(_ shape: [Int]) -> Tensor { Tensor.normal(shape, generator: rng) }
    /// Values bounded away from 0, for ops with a kink or a pole there.
    func awayFromZero(_ shape: [Int], low: Float = 0.3) -> Tensor {
        let t = Tensor.uniform(shape, low: low, high: 2, generator: rng)
        for i in 0..<t.count where rng.nextFloat() < 0.5 { t.pointer[i] = -t.pointer[i] }
        return t
    }
    func positive(_ shape: [Int]) -> Tensor { Tensor.uniform(shape, low: 0.5, high: 2, generator: rng) }
    func randomShape(rank: Int) -> [Int] { (0..<rank).map { _ in 1 + Int(rng.nextFloat() * 4) } }

    func expectGrad(
        _ inputs: [Tensor], _ f: ([Tensor]) -> Tensor,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let result = GradCheck.check(inputs, f)
        #expect(result.passed, "\(result)", sourceLocation: sourceLocation)
    }

    @Test func unaryOps() {
        for rank in 0...3 {
            let shape = randomShape(rank: rank)
            expectGrad([randn(shape)]) { -$0[0] }
            expectGrad([randn(shape)]) { $0[0].exp() }
            expectGrad([positive(shape)]) { $0[0].log() }
            expectGrad([randn(shape)]) { $0[0].tanh() }
            expectGrad([randn(shape)]) { $0[0].sigmoid() }
            expectGrad([randn(shape)]) { $0[0].gelu() }
            expectGrad([awayFromZero(shape)]) { $0[0].relu() }
            expectGrad([positive(shape)]) { $0[0].sqrt() }
            expectGrad([positive(shape)]) { $0[0].pow(1.7) }
            expectGrad([randn(shape)]) { $0[0].pow(2) }
            expectGrad([randn(shape)]) { $0[0].pow(3) }
        }
    }

    @Test func scalarOps() {
        let shape = [3, 17]  // 17: exercises the SIMD tail
        expectGrad([randn(shape)]) { $0[0] + 2 }
        expectGrad([randn(shape)]) { 2 - $0[0] }
        expectGrad([randn(shape)]) { $0[0] - 2 }
        expectGrad([randn(shape)]) { $0[0] * 3 }
        expectGrad([randn(shape)]) { $0[0] / 3 }
    }

    /// Pairs of shapes covering equal shapes, scalars, rank extension and size-1 axes on both sides.
    static let broadcastPairs: [([Int], [Int])] = [
        ([2, 3], [2, 3]), ([2, 3], []), ([], [4]), ([2, 3], [3]), ([3], [2, 3]),
        ([2, 1], [1, 3]), ([4, 1, 3], [2, 1]), ([1], [2, 2]), ([2, 3, 4], [2, 1, 4]), ([5, 1], [5, 9])
    ]

    @Test(arguments: broadcastPairs)
    func binaryOpsBroadcast(_ pair: ([Int], [Int])) {
        let (sa, sb) = pair
        expectGrad([randn(sa), randn(sb)]) { $0[0] + $0[1] }
        expectGrad([randn(sa), randn(sb)]) { $0[0] - $0[1] }
        expectGrad([randn(sa), randn(sb)]) { $0[0] * $0[1] }
        expectGrad([randn(sa), awayFromZero(sb, low: 0.5)]) { $0[0] / $0[1] }
    }

    @Test func sameTensorUsedTwice() {
        expectGrad([randn([3, 4])]) { $0[0] * $0[0] + $0[0] }
    }

    @Test func reductions() {
        let x = randn([3, 4, 5])
        expectGrad([x]) { $0[0].sum() }
        expectGrad([x]) { $0[0].mean() }
        for axis in [0, 1, 2, -1] {
            expectGrad([x]) { $0[0].sum(axis: axis) }
            expectGrad([x]) { $0[0].sum(axis: axis, keepDim: true) }
            expectGrad([x]) { $0[0].mean(axis: axis) }
            expectGrad([x]) { $0[0].max(axis: axis) }
        }
        expectGrad([x]) { $0[0].max() }
        expectGrad([randn([2, 1, 3])]) { $0[0].expanded(to: [4, 2, 5, 3]) }
        expectGrad([randn([2, 3, 4])]) { $0[0].sum(toShape: [3, 1]) }
    }

    @Test func softmaxFamily() {
        for shape in [[7], [3, 5], [2, 3, 13]] {
            expectGrad([randn(shape)]) { $0[0].softmax() }
            expectGrad([randn(shape)]) { $0[0].logSoftmax() }
        }
    }

    @Test func crossEntropy() {
        let targets = [2, 0, 4, 1, 3, 3]
        expectGrad([randn([6, 5])]) { Tensor.crossEntropy(logits: $0[0], targets: targets) }
        expectGrad([randn([6, 5])]) { Tensor.crossEntropy(logits: $0[0], targets: targets, ignoreIndex: 3) }
        // Large logits: the fused form must stay finite where exp would overflow.
        let big = randn([6, 5]) * 40
        expectGrad([big]) { Tensor.crossEntropy(logits: $0[0], targets: targets) }
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matmul(_ flags: (Bool, Bool)) {
        let (ta, tb) = flags
        let (m, k, n) = (3, 4, 5)
        let a = randn(ta ? [k, m] : [m, k])
        let b = randn(tb ? [n, k] : [k, n])
        expectGrad([a, b]) { Tensor.matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
        let ba = randn(ta ? [2, k, m] : [2, m, k])
        let bb = randn(tb ? [2, n, k] : [2, k, n])
        expectGrad([ba, bb]) { Tensor.matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
    }

    @Test func linear() {
        expectGrad([randn([4, 3]), randn([5, 3]), randn([5])]) { Tensor.linear($0[0], weight: $0[1], bias: $0[2]) }
        expectGrad([randn([2, 4, 3]), randn([5, 3])]) { Tensor.linear($0[0], weight: $0[1]) }
        expectGrad([randn([4, 3]), randn([5, 3]), randn([5])]) { Tensor.geluLinear($0[0], weight: $0[1], bias: $0[2]) }
        expectGrad([randn([2, 4, 3]), randn([5, 3])]) { Tensor.geluLinear($0[0], weight: $0[1]) }
    }

    /// The fused GELU + Linear is the two ops: the same output and gradients.
    @Test func geluLinearIsGeluThenLinear() {
        let (h, w, b) = (randn([6, 13]), randn([7, 13]), randn([7]))
        let upstream = randn([6, 7])
        let fused = [h, w, b].map { t -> Tensor in
            let c = t.detach()
            c.requiresGrad = true
            return c
        }
        let plain = [h, w, b].map { t -> Tensor in
            let c = t.detach()
            c.requiresGrad = true
            return c
        }
        let y1 = Tensor.geluLinear(fused[0], weight: fused[1], bias: fused[2])
        let y2 = Tensor.linear(plain[0].gelu(), weight: plain[1], bias: plain[2])
        #expect(y1.scalars == y2.scalars)
        (y1 * upstream).sum().backward()
        (y2 * upstream).sum().backward()
        for (a, c) in zip(fused, plain) {
            let (ga, gc) = (a.grad?.scalars ?? [], c.grad?.scalars ?? [])
            #expect(ga.count == a.count && zip(ga, gc).allSatisfy { abs($0 - $1) <= 1e-6 * (1 + abs($1)) })
        }
    }

    @Test func indexing() {
        let indices = [3, 0, 3, 1, 2, 3]
        expectGrad([randn([4, 5])]) { Tensor.embedding($0[0], indices: indices, shape: [2, 3]) }
        expectGrad([randn([4, 3, 2])]) { $0[0].indexSelect(axis: 1, [2, 0, 2]) }
        expectGrad([randn([4, 3])]) { $0[0].indexSelect(axis: 0, indices) }
        let mask = Tensor(shape: [1, 3], [1, 0, 1])
        expectGrad([randn([2, 3])]) { $0[0].maskedFill(mask, -7) }
    }

    @Test func shaping() {
        let x = randn([2, 3, 4])
        expectGrad([x]) { $0[0].reshaped([4, -1]) }
        expectGrad([x]) { $0[0].transposed(0, 2) }
        expectGrad([x]) { $0[0].transposed() }
        expectGrad([x]) { $0[0].permuted([1, 2, 0]) }
        expectGrad([x]) { $0[0].slice(axis: 1, 1..<3) }
        expectGrad([x]) { $0[0].split(sizes: [1, 3], axis: 2)[1] }
        expectGrad([randn([2, 3]), randn([2, 1]), randn([2, 4])]) { Tensor.concat($0, axis: 1) }
        expectGrad([randn([2, 3]), randn([2, 3])]) { Tensor.stack($0, axis: 1) }
        expectGrad([x]) { Tensor.stack($0[0].unstacked(axis: 1).reversed(), axis: 0) }
    }

    @Test func dropoutWithFixedMask() {
        // The mask is drawn anew on every call, so check against a fixed seed per call.
        expectGrad([randn([3, 8])]) { $0[0].dropout(p: 0.4, generator: RandomGenerator(seed: 3)) }
    }

    @Test func composedNetwork() {
        // A two-layer MLP with a cross-entropy loss: all ops in one graph.
        let x = randn([4, 3])
        let w1 = randn([6, 3])
        let b1 = randn([6])
        let w2 = randn([2, 6])
        expectGrad([x, w1, b1, w2]) { p in
            let h = Tensor.linear(p[0], weight: p[1], bias: p[2]).tanh()
            return Tensor.crossEntropy(logits: Tensor.linear(h, weight: p[3]), targets: [0, 1, 1, 0])
        }
    }
}
