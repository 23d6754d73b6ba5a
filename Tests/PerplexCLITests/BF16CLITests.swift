import Foundation
import Testing

/// `perplex --version` names the matrix-product kernels, and PERPLEX_NO_BF16 turns the bfloat16
/// path off as a CPU without AVX-512 BF16 would have it.
@Suite struct BF16CLITests {
    @Test func versionNamesTheKernels() throws {
        let result = try CLI.run(["--version"])
        #expect(result.status == 0)
        let line = result.stdout.split(separator: "\n").first { $0.hasPrefix("matrix products: Float32") }
        #expect(line != nil, "no kernel line in: \(result.stdout)")
        #expect(line?.contains("bfloat16") == true)
    }

    @Test func environmentDisablesTheFastPath() throws {
        let result = try CLI.run(["--version"], environment: ["PERPLEX_NO_BF16": "1"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("falls back to Float32"), "\(result.stdout)")
        #expect(!result.stdout.contains("VDPBF16PS"))
    }
}
