import Tensor

/// The max-norm constraint of Hinton et al. (2012) as Kim (2014) uses it: after an update, every
/// row of a weight [rows, columns] whose L2 norm exceeds `maxNorm` is scaled back to norm `maxNorm`;
/// shorter rows are left alone. Works in place, outside autograd.
public enum MaxNorm {
    public static func apply(to weight: Tensor, maxNorm: Float) {
        precondition(weight.rank == 2, "MaxNorm: weight \(weight.shape) is not [rows, columns]")
        let (rows, columns) = (weight.shape[0], weight.shape[1])
        let w = weight.pointer
        for r in 0..<rows {
            let row = w + r * columns
            var squares: Float = 0
            for j in 0..<columns { squares += row[j] * row[j] }
            let norm = squares.squareRoot()
            guard norm > maxNorm else { continue }
            let scale = maxNorm / norm
            for j in 0..<columns { row[j] *= scale }
        }
    }
}
