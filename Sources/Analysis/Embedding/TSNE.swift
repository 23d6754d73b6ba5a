import Foundation
import Tensor

/// One step's report from a t-SNE run.
public struct TSNEProgress: Sendable {
    /// Iterations done so far (1-based).
    public let iteration: Int
    public let iterations: Int
    /// KL(P‖Q) of the embedding this step started from, every `costInterval` iterations, else nil.
    public let cost: Double?
    /// The early exaggeration α used in this step (1 after the first phase).
    public let exaggeration: Double
}

/// A finished t-SNE embedding.
public struct TSNEResult: Sendable {
    /// x0, y0, x1, y1, … for the input rows in order.
    public let embedding: [Double]
    /// KL(P‖Q) of the final embedding (for Barnes-Hut: over P's stored entries with the tree's Z).
    public let cost: Double
    public let method: TSNEMethod
    public let affinities: Affinities
    /// Seconds spent on neighbours and affinities, and on the optimisation (including initialisation).
    public let affinitySeconds: Double, optimisationSeconds: Double
}

/// t-distributed stochastic neighbour embedding into 2-D (van der Maaten & Hinton 2008; Barnes-Hut:
/// van der Maaten 2014), with openTSNE's defaults where the two differ (see `TSNEOptions`).
///
/// ```swift
/// var options = TSNEOptions()
/// options.perplexity = 20
/// let result = try TSNE.embed(vectors.matrix, options: options) { step in
///     if let kl = step.cost { print(step.iteration, kl) }
/// }
/// ```
public enum TSNE {
    /// Embeds the rows of `data` ([n, dimension]); `progress` hears about every iteration.
    public static func embed(
        _ data: Tensor, options: TSNEOptions = TSNEOptions(),
        progress: (TSNEProgress) -> Void = { _ in }
    ) throws(EmbeddingError) -> TSNEResult {
        let (n, _) = try checkedMatrix(data, minimumRows: 2)
        try options.validate(points: n)
        let clock = ContinuousClock()
        let start = clock.now
        let method = options.resolvedMethod(points: n)
        let neighbours = method == .exact ? n - 1 : min(n - 1, Int(3 * options.perplexity))
        let affinities = try Affinities(data, perplexity: options.perplexity, neighbours: neighbours, serial: options.serial)
        let affinityTime = clock.now - start
        let initial = initialEmbedding(data, options)
        let (embedding, cost) = optimize(affinities, from: initial, method: method, options: options, progress: progress)
        let total = clock.now - start
        return TSNEResult(
            embedding: embedding, cost: cost, method: method, affinities: affinities,
            affinitySeconds: seconds(affinityTime), optimisationSeconds: seconds(total - affinityTime))
    }

    /// Runs the gradient descent from `initial` (x0, y0, …); returns the embedding and its final cost.
    public static func optimize(
        _ affinities: Affinities, from initial: [Double], method: TSNEMethod, options: TSNEOptions,
        progress: (TSNEProgress) -> Void = { _ in }
    ) -> (embedding: [Double], cost: Double) {
        let n = affinities.count
        var objective = TSNEObjective(affinities: affinities, method: method, serial: options.serial)
        var y = initial
        var gradient = [Double](repeating: 0, count: 2 * n)
        var update = gradient
        var gains = [Double](repeating: 1, count: 2 * n)
        for iteration in 0..<options.iterations {
            let early = iteration < options.earlyExaggerationIterations
            let exaggeration = early ? options.earlyExaggeration : 1
            let momentum = early ? options.initialMomentum : options.finalMomentum
            let eta: Double
            switch options.learningRate {
            case .automatic: eta = Double(n) / exaggeration
            case .fixed(let value): eta = value
            }
            let reportCost = options.costInterval > 0 && (iteration + 1) % options.costInterval == 0
            let cost = objective.evaluate(y, exaggeration: exaggeration, gradient: &gradient, cost: reportCost)
            step(&y, gradient: gradient, update: &update, gains: &gains, eta: eta, momentum: momentum, options: options)
            progress(
                TSNEProgress(iteration: iteration + 1, iterations: options.iterations, cost: cost, exaggeration: exaggeration))
        }
        let cost = objective.evaluate(y, gradient: &gradient, cost: true) ?? .nan
        return (y, cost)
    }

    /// One momentum step with per-coordinate gains: a gain grows by 0.2 where the gradient's sign
    /// differs from the last update's and shrinks ×0.8 where it agrees (never below `minGain`);
    /// update ← μ·update − η·gain·∂KL/∂y / 4; each point's update is clipped to `maxStepNorm`;
    /// the embedding is then re-centred.
    static func step(
        _ y: inout [Double], gradient: [Double], update: inout [Double], gains: inout [Double],
        eta: Double, momentum: Double, options: TSNEOptions
    ) {
        let n = y.count / 2
        for t in 0..<(2 * n) {
            let g = gradient[t] / 4
            let sameSign = (g > 0) == (update[t] > 0) && (g < 0) == (update[t] < 0)
            gains[t] = max(options.minGain, sameSign ? gains[t] * 0.8 : gains[t] + 0.2)
            update[t] = momentum * update[t] - eta * gains[t] * g
        }
        if let limit = options.maxStepNorm {
            for i in 0..<n {
                let length = (update[2 * i] * update[2 * i] + update[2 * i + 1] * update[2 * i + 1]).squareRoot()
                if length > limit {
                    update[2 * i] *= limit / length
                    update[2 * i + 1] *= limit / length
                }
            }
        }
        var (mx, my) = (0.0, 0.0)
        for i in 0..<n {
            y[2 * i] += update[2 * i]
            y[2 * i + 1] += update[2 * i + 1]
            mx += y[2 * i]
            my += y[2 * i + 1]
        }
        (mx, my) = (mx / Double(n), my / Double(n))
        for i in 0..<n {
            y[2 * i] -= mx
            y[2 * i + 1] -= my
        }
    }

    /// The starting embedding of `options.initialization` (random when PCA has no spread to scale).
    static func initialEmbedding(_ data: Tensor, _ options: TSNEOptions) -> [Double] {
        let n = data.shape[0]
        let random = RandomGenerator(seed: options.seed)
        if options.initialization == .pca, data.shape[1] >= 2, let pca = try? PCA(data, components: 2, seed: options.seed) {
            var y = pca.project(data)
            let mean = (0..<n).reduce(0.0) { $0 + y[2 * $1] } / Double(n)
            let std = ((0..<n).reduce(0.0) { $0 + (y[2 * $1] - mean) * (y[2 * $1] - mean) } / Double(n)).squareRoot()
            if std > 0 {
                let scale = 1e-4 / std
                for t in y.indices { y[t] = y[t] * scale + 1e-6 * random.nextNormal() }
                return y
            }
        }
        return (0..<(2 * n)).map { _ in 1e-4 * random.nextNormal() }
    }
}

private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}
