import Foundation
import Tensor
import Testing

/// Resident memory is process-wide, so this suite must run alone: `make test` runs it in its own
/// `swift test --filter ResidentMemoryTests` after the other suites.
@Suite struct ResidentMemoryTests {
    /// Resident set size in bytes, from /proc (Linux); nil elsewhere.
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    @Test func thousandTrainingStepsDoNotGrowMemory() throws {
        let rng = RandomGenerator(seed: 1)
        let w1 = Tensor.normal([64, 32], std: 0.1, generator: rng, requiresGrad: true)
        let b1 = Tensor.zeros([64], requiresGrad: true)
        let w2 = Tensor.normal([10, 64], std: 0.1, generator: rng, requiresGrad: true)
        let x = Tensor.normal([16, 32], generator: rng)
        let targets = (0..<16).map { $0 % 10 }
        func step() -> Float {
            let h = Tensor.linear(x, weight: w1, bias: b1).relu().dropout(p: 0.1, generator: rng)
            let loss = Tensor.crossEntropy(logits: Tensor.linear(h, weight: w2), targets: targets)
            loss.backward()
            withNoGrad {
                for p in [w1, b1, w2] {
                    if let g = p.grad { Kernels.axpy(-0.1, g.pointer, p.pointer, p.count) }
                    p.zeroGrad()
                }
            }
            return loss.item
        }
        let first = step()
        for _ in 0..<100 { _ = step() }  // warm up allocator caches
        let before = try #require(Self.residentBytes())
        var last: Float = 0
        for _ in 0..<1000 { last = step() }
        let grown = try #require(Self.residentBytes()) - before
        #expect(grown < 5 << 20, "1,000 steps grew the resident set by \(grown) bytes")
        #expect(last < first, "the MLP should learn: loss \(first) → \(last)")
    }
}
