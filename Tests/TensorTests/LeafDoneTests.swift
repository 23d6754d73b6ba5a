import Foundation
import Tensor
import Testing

/// `backward(leafDone:)`: each leaf is reported once, as soon as its gradient is final, and the
/// gradients are the same bits as without the callback (data-parallel overlap relies on both).
@Suite struct LeafDoneTests {
    /// loss = sum(tanh(x·W1)·W2) + sum(W2 · W2): W2 gets two contributions, W1 one.
    func graph() -> (x: Tensor, w1: Tensor, w2: Tensor, loss: Tensor) {
        let x = Tensor(shape: [3, 4], (0..<12).map { Float($0) * 0.1 - 0.5 }, requiresGrad: true)
        let w1 = Tensor(shape: [4, 5], (0..<20).map { sin(Float($0)) }, requiresGrad: true)
        let w2 = Tensor(shape: [5, 2], (0..<10).map { cos(Float($0)) }, requiresGrad: true)
        let loss = Tensor.matmul(Tensor.matmul(x, w1).tanh(), w2).sum() + (w2 * w2).sum()
        return (x, w1, w2, loss)
    }

    @Test func everyLeafIsReportedOnceWithItsFinalGradient() {
        let (x, w1, w2, loss) = graph()
        var reports: [(Tensor, [Float])] = []
        loss.backward(leafDone: { leaf in reports.append((leaf, leaf.grad?.scalars ?? [])) })
        #expect(reports.count == 3)
        for leaf in [x, w1, w2] {
            let seen = reports.filter { $0.0 === leaf }
            #expect(seen.count == 1)
            // What the callback saw is what the leaf ends with.
            #expect(seen.first?.1 == leaf.grad?.scalars)
        }
    }

    /// In a chain the last layer's weight is done first, before backward goes on to the first
    /// layer (where the walk would reach it last: it was recorded first).
    @Test func theLastLayerIsDoneBeforeBackwardReachesTheFirst() {
        let (x, w1, w2, _) = graph()
        let loss = Tensor.matmul(Tensor.matmul(x, w1).tanh(), w2).sum()
        var order: [Int] = []
        loss.backward(leafDone: { leaf in order.append([x, w1, w2].firstIndex { $0 === leaf } ?? -1) })
        #expect(order == [2, 1, 0] || order == [2, 0, 1], "\(order)")
    }

    @Test func gradientsAreTheSameBitsWithAndWithoutTheCallback() {
        let (a, b) = (graph(), graph())
        a.loss.backward()
        b.loss.backward(leafDone: { _ in })
        for (p, q) in [(a.x, b.x), (a.w1, b.w1), (a.w2, b.w2)] {
            #expect(p.grad?.scalars.map(\.bitPattern) == q.grad?.scalars.map(\.bitPattern))
        }
        // And they accumulate onto an earlier gradient alike.
        let (c, d) = (graph(), graph())
        for t in [c, d] { t.w2.grad = Tensor(shape: [5, 2], repeating: 0.25) }
        c.loss.backward()
        d.loss.backward(leafDone: { _ in })
        #expect(c.w2.grad?.scalars == d.w2.grad?.scalars)
    }

    @Test func aLeafRootIsReportedToo() {
        let w = Tensor(shape: [1], [2], requiresGrad: true)
        var reported = 0
        w.backward(leafDone: { leaf in reported += leaf === w ? 1 : 100 })
        #expect(reported == 1 && w.grad?.scalars == [1])
    }
}
