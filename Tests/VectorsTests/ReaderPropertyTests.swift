import Foundation
import PropertyBased
import TestSupport
import Testing
import Vectors

/// fastText's tokenizer on random bytes: tokens never outnumber the bytes, and LF, CRLF and CR
/// forms of one text give the same tokens.
@Suite struct ReaderPropertyTests {
    @Test func tokensAreBoundedByTheBytes() async {
        await propertyCheck(count: 300, input: RandomText.bytes()) { bytes in
            var count = 0
            bytes.withUnsafeBufferPointer { Tokenizer.scan($0) { _ in count += 1 } }
            #expect(count <= bytes.count)
        }
    }

    @Test func lfCrlfAndCrTextTokenizeAlike() async {
        await propertyCheck(count: 200, input: RandomText.lfText()) { lf in
            let expected = Tokenizer.tokens(of: lf)
            for form in RandomText.otherForms(of: lf) { #expect(Tokenizer.tokens(of: form) == expected) }
        }
    }
}
