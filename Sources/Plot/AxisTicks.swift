import Foundation

/// "Nice" tick positions for an axis: multiples of 1, 2 or 5 × 10^k inside [low, high], about
/// `target` of them, with labels printed to the step's precision.
struct AxisTicks {
    let values: [Double]
    let step: Double

    init(low: Double, high: Double, target: Int = 6) {
        guard low.isFinite, high.isFinite, high > low, target > 0 else {
            values = low.isFinite ? [low] : []
            step = 1
            return
        }
        let rough = (high - low) / Double(target)
        let magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        var values: [Double] = []
        var k = Foundation.ceil(low / step)
        while k * step <= high + step * 1e-9 {
            values.append(k * step == 0 ? 0 : k * step)  // no "-0"
            k += 1
        }
        self.values = values
        self.step = step
    }

    /// `value` with as many decimals as the step needs.
    func label(_ value: Double) -> String {
        let decimals = max(0, Int(Foundation.ceil(-Foundation.log10(step) - 1e-9)))
        return String(format: "%.\(decimals)f", value)
    }
}
