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
