import Foundation

/// Median wall time of `body` in seconds over `repeats` runs, after one warm-up run.
func medianSeconds(repeats: Int, _ body: () -> Void) -> Double {
    body()
    var times: [Double] = []
    for _ in 0..<max(1, repeats) {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
    }
    return times.sorted()[times.count / 2]
}

/// Measured FMA peak of the machine in GFLOP/s: every core running independent SIMD8 FMA chains.
///
/// Measured rather than computed from /proc/cpuinfo, whose MHz is the nominal clock, not the
/// boost clock the cores really run at.
func measuredFMAPeak(cores: Int) -> Double {
    let iterations = 20_000_000
    @Sendable func chains() -> Float {
        // Ten independent chains cover the FMA latency (4 cycles) on two FMA ports.
        var (a0, a1, a2, a3, a4) = (
            SIMD8<Float>(repeating: 0.1), SIMD8<Float>(repeating: 0.2),
            SIMD8<Float>(repeating: 0.3), SIMD8<Float>(repeating: 0.4), SIMD8<Float>(repeating: 0.5)
        )
        var (a5, a6, a7, a8, a9) = (a0, a1, a2, a3, a4)
        let m = SIMD8<Float>(repeating: 0.5)
        let c = SIMD8<Float>(repeating: 1)  // a → 2: stays normal
        for _ in 0..<(iterations / 10) {
            a0 = c.addingProduct(a0, m)
            a1 = c.addingProduct(a1, m)
            a2 = c.addingProduct(a2, m)
            a3 = c.addingProduct(a3, m)
            a4 = c.addingProduct(a4, m)
            a5 = c.addingProduct(a5, m)
            a6 = c.addingProduct(a6, m)
            a7 = c.addingProduct(a7, m)
            a8 = c.addingProduct(a8, m)
            a9 = c.addingProduct(a9, m)
        }
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9).sum()
    }
    // One Thread per core (concurrentPerform sometimes ran the halves one after the other); the
    // fastest of five runs, as a peak is what the machine reaches when nothing else runs.
    let seconds = (0..<5).map { _ in
        medianSeconds(repeats: 1) {
            let done = DispatchSemaphore(value: 0)
            for _ in 0..<cores {
                Thread {
                    if chains() == 42 { print("") }  // keeps the work observable
                    done.signal()
                }.start()
            }
            for _ in 0..<cores { done.wait() }
        }
    }.min()!
    return Double(cores) * Double(iterations) * 16 / seconds / 1e9
}

/// `text` left-aligned in a column of `width` characters.
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
