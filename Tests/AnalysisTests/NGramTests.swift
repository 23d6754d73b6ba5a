import Analysis
import Testing

@Suite struct NGramTests {
    let tokens = "the cat sat on the mat the cat ran".split(separator: " ").map(String.init)

    @Test func unigramsCountWordsMostFrequentFirst() {
        let stats = NGramStatistics(tokens: tokens, n: 1)
        #expect(stats.tokenCount == 9)
        #expect(stats.typeCount == 6)
        #expect(stats.top(3).map(\.tokens) == [["the"], ["cat"], ["sat"]])  // sat before on, mat, ran: first seen
        #expect(stats.top(3).map(\.count) == [3, 2, 1])
    }

    @Test func bigramsAndTrigrams() {
        let bigrams = NGramStatistics(tokens: tokens, n: 2)
        #expect(bigrams.tokenCount == 8)
        #expect(bigrams.typeCount == 7)
        #expect(bigrams.entries.first == .init(tokens: ["the", "cat"], count: 2))
        #expect(bigrams.entries.map(\.count).reduce(0, +) == 8)
        let trigrams = NGramStatistics(tokens: tokens, n: 3)
        #expect(trigrams.tokenCount == 7 && trigrams.typeCount == 7)
    }

    @Test func nLongerThanTheStreamGivesNothing() {
        let stats = NGramStatistics(tokens: ["a", "b"], n: 3)
        #expect(stats.tokenCount == 0 && stats.typeCount == 0 && stats.rankFrequency().isEmpty)
    }

    @Test func rankFrequencyIsZipfData() {
        let stats = NGramStatistics(tokens: tokens, n: 1)
        #expect(stats.rankFrequency().map(\.rank) == [1, 2, 3, 4, 5, 6])
        #expect(stats.rankFrequency().map(\.count) == [3, 2, 1, 1, 1, 1])
    }

    @Test func sampledRankFrequencyKeepsEndsAndIsLogSpaced() {
        // 1000 types with counts 1000, 999, … 1.
        var many: [String] = []
        for i in 0..<1000 { many += Array(repeating: "w\(i)", count: 1000 - i) }
        let stats = NGramStatistics(tokens: many, n: 1)
        let sampled = stats.rankFrequency(maxPoints: 50)
        #expect(sampled.count <= 50 && sampled.count > 20)
        #expect(sampled.first! == (1, 1000))
        #expect(sampled.last! == (1000, 1))
        #expect(sampled.allSatisfy { $0.count == 1001 - $0.rank })
        #expect(zip(sampled, sampled.dropFirst()).allSatisfy { $0.rank < $1.rank })
    }
}
