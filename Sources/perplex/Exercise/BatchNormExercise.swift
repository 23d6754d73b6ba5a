import Foundation
import Tensor

/// NYU 2017 assignment 2, §1: for y = γ·x̂ + β with x̂ = (x − μ)/σ over the batch, the document
/// derives ∂E/∂γ = Σ_j x̂_j ∂E/∂y_j and ∂E/∂β = Σ_j ∂E/∂y_j. Perplex's fused batch-norm op (its
/// autograd) is compared with those sums on a fixed batch of m = 4 examples of d = 3 features.
enum BatchNormExercise {
    static let x: [Float] = [1, -2, 0.5, 3, 0, 1.5, -1, 4, 2.5, 2, 1, -0.5]
    static let upstream: [Float] = [0.1, -0.3, 0.2, 0.4, 0.2, -0.1, -0.2, 0.5, 0.3, 0.3, -0.1, 0.6]
    static let gamma: [Float] = [1.5, 0.5, -1]
    static let beta: [Float] = [0.1, 0, -0.2]
    static let eps: Float = 1e-5

    static func run() {
        let (m, d) = (4, 3)
        let input = Tensor(shape: [m, d], x, requiresGrad: true)
        let weight = Tensor(shape: [d], gamma, requiresGrad: true)
        let bias = Tensor(shape: [d], beta, requiresGrad: true)
        let (y, mean, variance) = Tensor.batchNorm(input, weight: weight, bias: bias, eps: eps)
        y.backward(Tensor(shape: [m, d], upstream))

        // The document's formulas, in Double: μ_k, σ_k² (biased, over the batch), x̂, the sums.
        var dGamma = [Double](repeating: 0, count: d)
        var dBeta = dGamma
        var dX = [Double](repeating: 0, count: m * d)
        for k in 0..<d {
            let column = (0..<m).map { Double(x[$0 * d + k]) }
            let g = (0..<m).map { Double(upstream[$0 * d + k]) }
            let mu = column.reduce(0, +) / Double(m)
            let sigma = (column.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(m) + Double(eps)).squareRoot()
            let xHat = column.map { ($0 - mu) / sigma }
            dGamma[k] = zip(xHat, g).map(*).reduce(0, +)
            dBeta[k] = g.reduce(0, +)
            // Ioffe & Szegedy's input gradient, beyond the document: γ/(mσ)·(m·g − Σg − x̂·Σ(g·x̂)).
            for j in 0..<m {
                dX[j * d + k] = Double(gamma[k]) / (Double(m) * sigma) * (Double(m) * g[j] - dBeta[k] - xHat[j] * dGamma[k])
            }
        }
        let rows: [(String, [Float], [Double])] = [
            ("∂E/∂γ", weight.grad?.scalars ?? [], dGamma),
            ("∂E/∂β", bias.grad?.scalars ?? [], dBeta),
            ("∂E/∂x", input.grad?.scalars ?? [], dX)
        ]
        print(
            "| batch norm over m = \(m) examples, d = \(d) features, eps \(eps); batch means \(fmt(mean)), variances \(fmt(variance))"
        )
        print("| quantity | Perplex autograd | the document's formula | largest difference |")
        print("| --- | --- | --- | ---: |")
        for (label, engine, formula) in rows {
            let worst = zip(engine, formula).map { abs(Double($0) - $1) }.max() ?? .nan
            let shown = formula.map { Float($0) }
            print("| \(label) | \(fmt(engine)) | \(fmt(shown)) | \(String(format: "%.1e", worst)) |")
        }
        print("(∂E/∂x is Ioffe & Szegedy's closed form; the document derives only ∂E/∂γ and ∂E/∂β.)")
    }

    static func fmt(_ values: [Float]) -> String {
        "[" + values.map { String(format: "%.4f", Double($0)) }.joined(separator: ", ") + "]"
    }
}
