import ArgumentParser
import Foundation

/// The worked examples of the source documents that Perplex's ops recompute (docs/seeds.md).
enum ExerciseName: String, CaseIterable, ExpressibleByArgument {
    /// NYU 2017 assignment 2, §2: a 5×5 image convolved with a 3×3 filter, and the input gradient.
    case conv
    /// NYU 2017 assignment 2, §1: the batch-norm gradients with respect to γ and β.
    case batchnorm
    /// DS-GA 1008 2019 homework 3, §1.1: `nn.Dropout2d(p=0.2)`.
    case dropout2d
}

/// `perplex exercise NAME`: recomputes one of the source documents' worked examples with the
/// engine's own ops and autograd, and prints it beside the document's figure.
struct ExerciseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exercise",
        abstract: "Recompute a worked example of the source documents (conv, batchnorm, dropout2d) with Perplex's ops.")

    @Argument(help: "Which example: \(ExerciseName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var name: ExerciseName
    @Option(
        parsing: .unconditional,
        help: "conv: the 5×5 image, 25 comma-separated numbers row by row (the document's is not in its text).")
    var image: String?
    @Option(parsing: .unconditional, help: "dropout2d: the probability of zeroing a channel (default 0.2, the document's).")
    var p: Float?
    @Option(parsing: .unconditional, help: "dropout2d: random seed (default 1).") var seed: UInt64?

    func run() throws {
        // Each flag belongs to one example; given to another it would be silently ignored.
        if image != nil, name != .conv { throw fail("--image applies only to conv") }
        if p != nil || seed != nil, name != .dropout2d { throw fail("--p and --seed apply only to dropout2d") }
        switch name {
        case .conv:
            var pixels: [Float]?
            if let image {
                let values = image.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
                let numbers = values.compactMap { $0 }
                guard values.count == 25, numbers.count == 25, numbers.allSatisfy(\.isFinite) else {
                    throw fail("--image needs 25 comma-separated finite numbers (a 5×5 image, row by row)")
                }
                pixels = numbers
            }
            ConvExercise.run(image: pixels)
        case .batchnorm:
            BatchNormExercise.run()
        case .dropout2d:
            let p = p ?? 0.2
            guard p >= 0, p < 1 else { throw fail("--p must be in [0, 1)") }
            Dropout2dExercise.run(p: p, seed: seed ?? 1)
        }
    }
}

/// Prints a matrix of `rows` × `columns` values, row by row, right-aligned.
func printMatrix(_ values: [Float], rows: Int, columns: Int, format: String = "%g") {
    let cells = values.map { String(format: format, Double($0)) }
    let width = cells.map(\.count).max() ?? 1
    for r in 0..<rows {
        let row = cells[(r * columns)..<((r + 1) * columns)]
        print("  " + row.map { String(repeating: " ", count: width - $0.count) + $0 }.joined(separator: " "))
    }
}
