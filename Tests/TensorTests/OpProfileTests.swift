import Foundation
import Tensor
import Testing

@Suite struct OpProfileTests {
    /// Forward ops are charged by name and output shape, backward functions likewise, and only
    /// while the profile is recording on this thread.
    @Test func chargesOpsByNameAndShape() {
        let x = Tensor.uniform([6, 4], generator: RandomGenerator(seed: 1))
        let w = Tensor.uniform([3, 4], generator: RandomGenerator(seed: 2))
        w.requiresGrad = true
        let profile = OpProfile()
        let loss = profile.measure(.forward) { Tensor.linear(x, weight: w).tanh().sum() }
        profile.measure(.backward) { loss.backward() }
        _ = Tensor.linear(x, weight: w)  // not recording: not charged

        #expect(Set(profile.times.keys) == ["linear 6×3", "tanh 6×3", "sum", OpProfile.accumulation])
        #expect(profile.times["linear 6×3"].map { $0.forward > 0 && $0.backward > 0 } == true)
        #expect(profile.times["sum"]?.forward ?? 0 > 0)
        let table = profile.table(batches: 1)
        #expect(table.contains("| linear 6×3"))
        #expect(table.split(separator: "\n").count >= 3)
    }

    @Test func otherThreadsAreNotCharged() {
        let profile = OpProfile()
        profile.measure(.forward) {
            let thread = Thread { _ = Tensor.ones([2, 2]).exp() }
            thread.start()
            while !thread.isFinished { usleep(100) }
        }
        #expect(profile.times.isEmpty)
        #expect(profile.table(batches: 1).isEmpty)
    }
}
