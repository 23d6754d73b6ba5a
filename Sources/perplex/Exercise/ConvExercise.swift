import Foundation
import Tensor

/// NYU 2017 assignment 2, §2: a 5×5 image convolved (PyTorch's cross-correlation, stride 1, no
/// padding) with one 3×3 filter, and the gradient with respect to the image when the gradient from
/// the layer above is a 3×3 matrix of ones.
enum ConvExercise {
    /// The filter, read off the document's own sums for the input gradient (its top-left corner
    /// term is w₁₁ = 3, the next column adds w₁₂ = 8, and so on); the document's figure of the
    /// filter itself did not survive into its text.
    static let filter: [Float] = [3, 8, 3, 2, 7, 9, 5, 0, 2]
    /// The input gradient the document reports.
    static let documentGradient: [Float] = [
        3, 11, 14, 11, 3, 5, 20, 32, 27, 12, 10, 25, 39, 29, 14, 7, 14, 25, 18, 11, 5, 5, 7, 2, 2
    ]
    /// The convolution output the document reports (for its image, which is not in its text).
    static let documentOutput: [Float] = [158, 183, 172, 229, 237, 238, 195, 232, 244]

    static func run(image: [Float]?) {
        let x = Tensor(shape: [1, 1, 5, 5], image ?? [Float](repeating: 0, count: 25), requiresGrad: true)
        let w = Tensor(shape: [1, 1, 3, 3], filter)
        let y = Tensor.conv2d(x, weight: w)
        print("| conv2d: input \(x.shape), filter \(w.shape), stride 1, no padding → output \(y.shape)")
        print("| output size (5 − 3) / 1 + 1 = \((5 - 3) / 1 + 1) (document: 3×3)")
        print("filter (from the document's gradient sums):")
        printMatrix(filter, rows: 3, columns: 3)
        if image != nil {
            print("output for the --image given:")
            printMatrix(y.scalars, rows: 3, columns: 3)
        } else {
            print("output: the document's image is not in its text; pass it with --image to compute its output")
        }
        print("document's output (for its image):")
        printMatrix(documentOutput, rows: 3, columns: 3)
        y.backward(Tensor.ones(y.shape))
        let gradient = x.grad?.scalars ?? []
        print("gradient with respect to the input, upstream gradient all ones (Perplex autograd):")
        printMatrix(gradient, rows: 5, columns: 5)
        let same = gradient == documentGradient
        print("| equals the document's 5×5 gradient matrix: \(same ? "yes" : "no")")
    }
}
