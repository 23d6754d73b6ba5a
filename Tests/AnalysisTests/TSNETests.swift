import Analysis
import Foundation
import Tensor
import Testing

/// t-SNE: perplexity calibration, the gradient against finite differences, Barnes-Hut against
/// the exact computation, and whole runs.
@Suite struct TSNETests {
    /// `clusters` Gaussian blobs of `perCluster` points in `dimension`-D, centres 10 apart.
    static func blobs(clusters: Int, perCluster: Int, dimension: Int, seed: UInt64 = 7) -> Tensor {
        let random = RandomGenerator(seed: seed)
        let centres = (0..<clusters).map { _ in (0..<dimension).map { _ in Float(5 * random.nextNormal()) } }
        var values: [Float] = []
        for c in 0..<clusters {
            for _ in 0..<perCluster { values += centres[c].map { $0 + Float(random.nextNormal()) } }
        }
        return Tensor(shape: [clusters * perCluster, dimension], values)
    }

    static func randomEmbedding(_ n: Int, seed: UInt64 = 3) -> [Double] {
        let random = RandomGenerator(seed: seed)
        return (0..<(2 * n)).map { _ in 2 * random.nextNormal() }
    }

    static func cost(_ objective: inout TSNEObjective, _ y: [Double]) -> Double {
        var g = [Double](repeating: 0, count: y.count)
        return objective.evaluate(y, gradient: &g) ?? .nan
    }

    @Test func calibrationHitsTheTargetEntropy() {
        let random = RandomGenerator(seed: 11)
        for perplexity in [2.0, 5, 30, 80] {
            let distances = (0..<200).map { _ in 50 * Double(random.nextFloat()) + 0.1 }
            let (p, _, entropy) = PerplexitySearch.conditionals(squaredDistances: distances, perplexity: perplexity)
            let measured = -p.reduce(0) { $0 + ($1 > 0 ? $1 * log($1) : 0) }
            #expect(abs(measured - log(perplexity)) < 1e-4, "perplexity \(perplexity): entropy \(measured)")
            #expect(abs(entropy - measured) < 1e-9)
            #expect(abs(p.reduce(0, +) - 1) < 1e-12)
        }
    }

    @Test func affinitiesAreSymmetricAndSumToOne() throws {
        let data = Self.blobs(clusters: 3, perCluster: 20, dimension: 4)
        for neighbours in [15, 59] {
            let p = try Affinities(data, perplexity: 5, neighbours: neighbours)
            #expect(abs(p.values.reduce(0, +) - 1) < 1e-12)
            for i in 0..<p.count {
                for e in p.rowStart[i]..<p.rowStart[i + 1] {
                    let j = Int(p.columns[e])
                    #expect(j != i)
                    #expect(abs(p.values[e] - p.value(j, i)) < 1e-15)
                }
            }
        }
    }

    @Test func exactGradientMatchesFiniteDifferences() throws {
        let data = Self.blobs(clusters: 3, perCluster: 10, dimension: 5)
        let p = try Affinities(data, perplexity: 5, neighbours: 29)
        var objective = TSNEObjective(affinities: p, method: .exact)
        let y = Self.randomEmbedding(30)
        var gradient = [Double](repeating: 0, count: y.count)
        _ = objective.evaluate(y, gradient: &gradient)
        var worst = 0.0
        let h = 1e-5
        for t in y.indices {
            var plus = y
            var minus = y
            plus[t] += h
            minus[t] -= h
            let numeric = (Self.cost(&objective, plus) - Self.cost(&objective, minus)) / (2 * h)
            worst = max(worst, abs(numeric - gradient[t]))
        }
        let scale = gradient.map(abs).max() ?? 1
        #expect(worst < 1e-6 * max(scale, 1), "largest difference \(worst), gradient scale \(scale)")
    }

    @Test func barnesHutApproachesTheExactGradient() throws {
        let data = Self.blobs(clusters: 4, perCluster: 40, dimension: 6)
        let p = try Affinities(data, perplexity: 10)
        let y = Self.randomEmbedding(160)
        var exact = TSNEObjective(affinities: p, method: .exact)
        var exactGradient = [Double](repeating: 0, count: y.count)
        let exactCost = exact.evaluate(y, gradient: &exactGradient) ?? .nan
        let norm = exactGradient.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var errors: [Double] = []
        for theta in [0.0, 0.1, 0.5] {
            var bh = TSNEObjective(affinities: p, method: .barnesHut(theta: theta))
            var gradient = [Double](repeating: 0, count: y.count)
            let cost = bh.evaluate(y, gradient: &gradient) ?? .nan
            let error = zip(gradient, exactGradient).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot() / norm
            errors.append(error)
            #expect(abs(cost - exactCost) < (theta == 0 ? 1e-10 : 0.02 * exactCost), "θ \(theta): \(cost) vs \(exactCost)")
        }
        #expect(errors[0] < 1e-10, "θ = 0 must be exact: \(errors)")
        #expect(errors[1] < 0.01, "\(errors)")
        #expect(errors[2] < 0.1 && errors[1] < errors[2], "\(errors)")
    }

    @Test func exactAndBarnesHutRunsReachSimilarCosts() throws {
        let data = Self.blobs(clusters: 5, perCluster: 40, dimension: 10)
        var options = TSNEOptions()
        options.perplexity = 15
        options.iterations = 500
        options.method = .exact
        let exact = try TSNE.embed(data, options: options)
        options.method = .barnesHut
        let bh = try TSNE.embed(data, options: options)
        // Both final embeddings scored exactly against the same dense P.
        let dense = try Affinities(data, perplexity: 15, neighbours: 199)
        var judge = TSNEObjective(affinities: dense, method: .exact)
        let exactCost = Self.cost(&judge, exact.embedding)
        let bhCost = Self.cost(&judge, bh.embedding)
        #expect(abs(exact.cost - exactCost) < 1e-9)
        #expect(abs(bhCost - exactCost) < 0.05 * exactCost, "exact \(exactCost), Barnes-Hut \(bhCost)")
        #expect(abs(bh.cost - bhCost) < 0.1 * bhCost, "the Barnes-Hut estimate \(bh.cost) vs exact \(bhCost)")
        #expect(exactCost < 1.5, "\(exactCost)")
    }

    @Test func runsAreSeededAndReportProgress() throws {
        let data = Self.blobs(clusters: 2, perCluster: 15, dimension: 3)
        var options = TSNEOptions()
        options.perplexity = 5
        options.iterations = 100
        var reported: [Int] = []
        let a = try TSNE.embed(data, options: options) { if $0.cost != nil { reported.append($0.iteration) } }
        let b = try TSNE.embed(data, options: options)
        #expect(a.embedding == b.embedding)
        #expect(reported == [50, 100])
        options.seed = 2
        options.initialization = .random
        let c = try TSNE.embed(data, options: options)
        #expect(c.embedding != a.embedding)
    }

    @Test func badOptionsAreErrors() {
        let data = Self.blobs(clusters: 1, perCluster: 10, dimension: 3)
        #expect(throws: EmbeddingError.perplexityTooLarge(perplexity: 30, points: 10, maximum: 3)) { try TSNE.embed(data) }
        var options = TSNEOptions()
        options.perplexity = 2
        options.theta = -1
        #expect(throws: EmbeddingError.invalidOption(name: "theta", value: -1, expected: "0 or more")) {
            try TSNE.embed(data, options: options)
        }
        let one = Tensor(shape: [1, 3], [1, 2, 3])
        #expect(throws: EmbeddingError.tooFewPoints(count: 1, needed: 2)) { try TSNE.embed(one) }
        let nan = Tensor(shape: [2, 1], [1, .nan])
        #expect(throws: EmbeddingError.nonFiniteInput(row: 1)) { try TSNE.embed(nan) }
    }
}
