import Foundation

/// Round tick values for a chart axis: multiples of 1, 2, 2.5 or 5 × 10ⁿ on a linear axis;
/// powers of ten (then also 2× and 5×, then every digit) on a log axis, or round linear steps
/// when the log range is too short to hold three such ticks.
enum AxisTicks {
    /// Ticks inside [`low`, `high`], given in the axis' own coordinates (log10 of the value on a
    /// log axis); the ticks are values. `integers`: no fractional ticks (epochs, ranks).
    static func values(from low: Double, to high: Double, log: Bool, integers: Bool = false) -> [Double] {
        guard low.isFinite, high.isFinite, high > low else { return [] }
        if log {
            let (a, b) = (Foundation.pow(10, low), Foundation.pow(10, high))
            for multipliers in [[1.0], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]] {
                var ticks: [Double] = []
                for exponent in Int(low.rounded(.down))...Int(high.rounded(.up)) {
                    for m in multipliers {
                        let value = m * Foundation.pow(10, Double(exponent))
                        if value >= a * (1 - 1e-9) && value <= b * (1 + 1e-9) && !(integers && value < 1) { ticks.append(value) }
                    }
                }
                if ticks.count >= 3 && ticks.count <= 10 { return ticks }
            }
            return linear(a, b, integers: integers)
        }
        return linear(low, high, integers: integers)
    }

    /// [`low`, `high`] (axis coordinates) widened to round values at both ends: multiples of the
    /// linear step, or on a log axis the nearest d × 10ⁿ (d = 1…9) outside.
    static func widened(_ low: Double, _ high: Double, log: Bool, integers: Bool = false) -> (Double, Double) {
        guard low.isFinite, high.isFinite, high > low else { return (low, high) }
        if log {
            func snap(_ value: Double, down: Bool) -> Double {
                let exponent = value.rounded(.down)
                let mantissa = Foundation.pow(10, value - exponent)
                let digit = down ? (mantissa * (1 + 1e-9)).rounded(.down) : (mantissa * (1 - 1e-9)).rounded(.up)
                return exponent + Foundation.log10(digit)
            }
            return (snap(low, down: true), snap(high, down: false))
        }
        let step = self.step(low, high, integers: integers)
        return ((low / step * (1 + 1e-12)).rounded(.down) * step, (high / step * (1 - 1e-12)).rounded(.up) * step)
    }

    /// The round step that cuts [a, b] into about five parts.
    static func step(_ a: Double, _ b: Double, integers: Bool) -> Double {
        let raw = (b - a) / 5
        let magnitude = Foundation.pow(10, (Foundation.log10(raw)).rounded(.down))
        var step = 10 * magnitude
        for m in [1.0, 2, 2.5, 5] where (b - a) / (m * magnitude) <= 6.5 {
            step = m * magnitude
            break
        }
        return integers ? max(1, step.rounded(.up)) : step
    }

    /// About five round steps between `a` and `b`.
    static func linear(_ a: Double, _ b: Double, integers: Bool) -> [Double] {
        let step = self.step(a, b, integers: integers)
        var ticks: [Double] = []
        var value = (a / step).rounded(.up) * step
        while value <= b + step * 1e-9 {
            ticks.append(abs(value) < step * 1e-9 ? 0 : value)
            value += step
        }
        return ticks
    }

    /// A tick label: integers without a fraction, others with up to 3 significant digits.
    static func label(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(format: "%.0f", value) }
        return String(format: "%.3g", value)
    }
}
