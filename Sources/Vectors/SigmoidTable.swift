import Foundation

/// σ(x) and the logistic losses −log σ(x), −log(1 − σ(x)) looked up in tables over [−8, 8], as
/// fastText does (it uses 512 steps; 2048 here, 1/128 apart). Outside the range σ is 0 or 1.
/// The losses carry fastText's 1e-5 inside the log, so a saturated wrong answer costs log(1e5).
struct SigmoidTable {
    static let limit: Float = 8
    static let steps = 2048
    static let scale = Float(steps) / (2 * limit)

    /// Entry i is at x = −8 + i / scale, i in 0...steps.
    let sigmoid: [Float]
    let positiveLoss: [Float]
    let negativeLoss: [Float]

    init() {
        let xs = (0...Self.steps).map { -Double(Self.limit) + Double($0) / Double(Self.scale) }
        let s = xs.map { 1 / (1 + exp(-$0)) }
        sigmoid = s.map(Float.init)
        positiveLoss = s.map { Float(-log($0 + 1e-5)) }
        negativeLoss = s.map { Float(-log(1 - $0 + 1e-5)) }
    }

    /// The table index of `x` (nearest entry; NaN maps to 0).
    @inline(__always)
    static func index(_ x: Float) -> Int {
        guard x > -limit else { return 0 }
        guard x < limit else { return steps }
        return Int((x + limit) * scale + 0.5)
    }
}
