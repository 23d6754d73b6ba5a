import Tensor
import Testing
import Train

@Suite struct AccuracyTests {
    @Test func topOneHitsCountsRowsWhoseTargetHasTheLargestLogit() {
        let logits = Tensor(shape: [3, 4], [0, 5, 1, 2,  9, 1, 1, 1,  0, 0, 3, 3])
        #expect(topOneHits(logits: logits, targets: [1, 2, 3]) == 2)  // row 1 misses; a tie counts as a hit
        #expect(topOneHits(logits: logits, targets: [0, 0, 0]) == 1)
    }
}
