import Analysis
import Tensor
import Testing

@Suite struct PCATests {
    /// Points spread along a known unit direction u (standard deviation 5) plus small noise (0.1).
    @Test func recoversTheDominantDirection() throws {
        let (n, d) = (400, 12)
        let random = RandomGenerator(seed: 5)
        var u = (0..<d).map { _ in random.nextNormal() }
        let length = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
        u = u.map { $0 / length }
        var values: [Float] = []
        for _ in 0..<n {
            let t = 5 * random.nextNormal()
            values += (0..<d).map { Float(3 + t * u[$0] + 0.1 * random.nextNormal()) }
        }
        let data = Tensor(shape: [n, d], values)
        let pca = try PCA(data, components: 2)
        let cosine = zip(pca.components[0], u).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(abs(cosine) - 1) < 1e-4, "cos(component, u) = \(cosine)")
        #expect(abs(pca.variances[0] - 25) < 5, "\(pca.variances)")
        #expect(pca.variances[1] < 0.02, "\(pca.variances)")
        let dot = zip(pca.components[0], pca.components[1]).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(dot) < 1e-6)
        #expect(abs(pca.mean[0] - 3) < 1)
        // Projections are centred, and the first one carries the variance.
        let xy = pca.project(data)
        let meanX = stride(from: 0, to: 2 * n, by: 2).reduce(0.0) { $0 + xy[$1] } / Double(n)
        let varX = stride(from: 0, to: 2 * n, by: 2).reduce(0.0) { $0 + (xy[$1] - meanX) * (xy[$1] - meanX) } / Double(n)
        #expect(abs(meanX) < 1e-4)
        #expect(abs(varX - pca.variances[0]) < 1e-3 * pca.variances[0])
    }

    @Test func signAndResultDoNotDependOnTheSeed() throws {
        let data = TSNETests.blobs(clusters: 3, perCluster: 30, dimension: 5)
        let a = try PCA(data, components: 2, seed: 1)
        let b = try PCA(data, components: 2, seed: 99)
        for c in 0..<2 {
            #expect(zip(a.components[c], b.components[c]).allSatisfy { abs($0 - $1) < 1e-6 })
        }
    }

    @Test func badInputs() {
        #expect(throws: EmbeddingError.invalidOption(name: "components", value: 3, expected: "1 to 2")) {
            try PCA(Tensor(shape: [2, 2], [1, 2, 3, 4]), components: 3)
        }
        #expect(throws: EmbeddingError.notAMatrix(shape: [4])) { try PCA(Tensor(shape: [4], [1, 2, 3, 4])) }
    }
}
