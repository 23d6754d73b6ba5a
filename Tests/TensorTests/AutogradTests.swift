import Foundation
import Tensor
import Testing

@Suite struct AutogradTests {
    @Test func gradientsAccumulateAcrossBackwardCalls() {
        let w = Tensor(shape: [2], [1, 2], requiresGrad: true)
        (w * 3).sum().backward()
        (w * w).sum().backward()
        #expect(w.grad?.scalars == [3 + 2, 3 + 4])
        w.zeroGrad()
        #expect(w.grad == nil)
    }

    /// A leaf takes its gradient without a copy only when nothing else holds it: two leaves handed
    /// the same gradient by `+`, a leaf seeded directly and a leaf whose gradient is a view must
    /// each end with storage of its own.
    @Test func leafGradientsNeverShareStorage() {
        let a = Tensor(shape: [3], [1, 2, 3], requiresGrad: true)
        let b = Tensor(shape: [3], [4, 5, 6], requiresGrad: true)
        for _ in 0..<2 { (a + b).sum().backward() }
        #expect(a.grad?.scalars == [2, 2, 2] && b.grad?.scalars == [2, 2, 2])
        #expect(a.grad?.storage !== b.grad?.storage)

        let seed = Tensor(shape: [3], [1, 1, 1])
        let x = Tensor(shape: [3], [0, 0, 0], requiresGrad: true)
        x.backward(seed)
        x.backward(seed)
        #expect(x.grad?.scalars == [2, 2, 2] && seed.scalars == [1, 1, 1])

        let m = Tensor(shape: [2, 2], [1, 2, 3, 4], requiresGrad: true)
        for _ in 0..<2 { (m.reshaped([4]) * 2).sum().backward() }
        #expect(m.grad?.scalars == [4, 4, 4, 4])
    }

    @Test func noGradScopeRecordsNothing() {
        let w = Tensor(shape: [2], [1, 2], requiresGrad: true)
        let y = withNoGrad { w * 2 }
        #expect(!y.requiresGrad)
        #expect((w * 2).requiresGrad)
    }

    @Test func detachStopsGradientsAndSharesStorage() {
        let w = Tensor(shape: [2], [1, 2], requiresGrad: true)
        let h = w * 2
        let d = h.detach()
        #expect(!d.requiresGrad && d.storage === h.storage)
        (h + d).sum().backward()
        #expect(w.grad?.scalars == [2, 2])
    }

    @Test func onlyLeavesKeepGradients() {
        let w = Tensor(shape: [2], [1, 2], requiresGrad: true)
        let h = w.exp()
        h.sum().backward()
        #expect(h.grad == nil && !h.isLeaf && w.isLeaf)
    }

    @Test func graphIsFreedAfterBackward() {
        weak var intermediate: Tensor?
        let w = Tensor(shape: [3], [1, 2, 3], requiresGrad: true)
        var loss: Tensor?
        do {
            let h = w.tanh()
            intermediate = h
            loss = (h * h).sum()
        }
        #expect(intermediate != nil, "the graph keeps intermediates alive until backward")
        loss?.backward()
        #expect(intermediate == nil, "backward must release the graph")
        _ = loss
    }

    /// Sums and dropout read nothing of their inputs in backward, so an intermediate that only
    /// they consume goes as soon as the caller drops it; the gradient still reaches the leaf.
    @Test func sumsAndDropoutDoNotHoldTheirInputs() {
        let w = Tensor(shape: [4], [1, 2, 3, 4], requiresGrad: true)
        for (name, consume) in [
            ("add", { (h: Tensor) in h + w }), ("sub", { (h: Tensor) in h - w }),
            ("dropout", { (h: Tensor) in h.dropout(p: 0.5, generator: RandomGenerator(seed: 1)) + w })
        ] {
            weak var intermediate: Tensor?
            var loss: Tensor?
            do {
                let h = w * w
                intermediate = h
                loss = consume(h).sum()
            }
            #expect(intermediate == nil, "\(name) keeps its input alive")
            w.zeroGrad()
            loss?.backward()
            let grad = w.grad?.scalars ?? []
            switch name {
            case "add": #expect(grad == [3, 5, 7, 9])
            case "sub": #expect(grad == [1, 3, 5, 7])
            default:
                // Each element kept (scaled by 2) or dropped: 2·2w + 1 or 1.
                for (g, x) in zip(grad, [Float(1), 2, 3, 4]) { #expect(g == 1 || g == 4 * x + 1) }
            }
        }
    }

    @Test func graphWithoutBackwardHasNoCycles() {
        weak var intermediate: Tensor?
        let w = Tensor(shape: [3], [1, 2, 3], requiresGrad: true)
        do {
            let h = w.sigmoid().softmax()
            intermediate = h
            _ = Tensor.crossEntropy(logits: h.reshaped([1, 3]), targets: [1])
        }
        #expect(intermediate == nil)
    }
}
