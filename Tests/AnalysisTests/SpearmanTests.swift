import Analysis
import Testing

@Suite struct SpearmanTests {
    @Test func tiedValuesShareTheAverageOfTheirRanks() {
        #expect(averageRanks([10, 20, 20, 30]) == [1, 2.5, 2.5, 4])
        #expect(averageRanks([3, 1, 2]) == [3, 1, 2])
        #expect(averageRanks([5, 5, 5]) == [2, 2, 2])
        #expect(averageRanks([]) == [])
    }

    /// Without ties ρ = 1 − 6Σd²/(n(n²−1)): ranks (1,2,3,4,5) vs (2,1,4,3,5) give Σd² = 4, ρ = 1 − 24/120 = 0.8.
    @Test func withoutTiesMatchesTheTextbookFormula() throws {
        let rho = try #require(spearmanCorrelation([1, 2, 3, 4, 5], [20, 10, 40, 30, 50]))
        #expect(abs(rho - 0.8) < 1e-12)
        #expect(try #require(spearmanCorrelation([1, 2, 3], [9, 4, 1])) == -1)
    }

    /// By hand: x = [1, 2, 2, 3] → ranks [1, 2.5, 2.5, 4]; y = [1, 3, 2, 4] → ranks [1, 3, 2, 4].
    /// Centred: x [−1.5, 0, 0, 1.5], y [−1.5, 0.5, −0.5, 1.5]; Σxy = 4.5, Σx² = 4.5, Σy² = 5 → ρ = 4.5/√22.5.
    @Test func withTiesIsPearsonOfAverageRanks() throws {
        let rho = try #require(spearmanCorrelation([1, 2, 2, 3], [1, 3, 2, 4]))
        #expect(abs(rho - 4.5 / 22.5.squareRoot()) < 1e-12)
    }

    /// Values printed by scripts/spearman_fixture.py (scipy.stats.spearmanr).
    @Test func agreesWithScipyOnTiedExamples() throws {
        let cases: [([Double], [Double], Double)] = [
            ([1, 2, 2, 3, 4, 4, 4, 5], [2.5, 1, 3, 3, 7, 6, 6, 9], 0.9256265453136692),
            ([10, 20, 20, 30, 40, 50], [0.9, 0.8, 0.8, 0.1, 0.3, -0.2], -0.9411764705882354),
            ([1, 1, 1, 2, 2, 3, 3, 3, 3, 4], [5, 3, 5, 2, 2, 1, 4, 4, 1, 0], -0.6692290301712984)
        ]
        for (x, y, expected) in cases {
            let rho = try #require(spearmanCorrelation(x, y))
            #expect(abs(rho - expected) < 1e-12, "x \(x): \(rho) vs scipy \(expected)")
        }
    }

    @Test func undefinedCasesGiveNil() {
        #expect(spearmanCorrelation([1], [2]) == nil)
        #expect(spearmanCorrelation([1, 2, 3], [4, 4, 4]) == nil)
        #expect(spearmanCorrelation([1, 2], [1, 2, 3]) == nil)
    }
}
