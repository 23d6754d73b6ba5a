import Foundation
import Testing
import Text

@Suite struct BitsPerCharacterTests {
    @Test func isTotalNatsOverCharactersTimesLnTwo() {
        let bpc = BitsPerCharacter(meanLoss: 1.2, tokens: 1000, characters: 4000)
        #expect(abs(bpc.value - 1200 / (4000 * log(2.0))) < 1e-12)
        #expect(BitsPerCharacter(totalNats: 1, characters: 0).value.isNaN)
        #expect(BitsPerCharacter.characterCount(of: "e\u{301}é日") == 4)
    }
}
