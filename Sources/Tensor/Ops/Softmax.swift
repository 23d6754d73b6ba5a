import Foundation

extension Tensor {
    /// Rows of the last axis: (rows, columns).
    private var lastAxisRows: (Int, Int) {
        precondition(rank >= 1, "softmax: needs at least one axis, got a scalar")
        let c = shape[rank - 1]
        return (c == 0 ? 0 : count / c, c)
    }

    /// Writes exp(x − shift) of one row of `c` values into `out` and returns their sum (in Double).
    @inline(__always)
    static func expShiftedRow(
        _ row: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
        columns c: Int, shift: Float
    ) -> Double {
        let vm = SIMD8<Float>(repeating: shift)
        var i = 0
        var acc = SIMD8<Float>()
        while i + 8 <= c {
            let v = VectorMath.exp(Kernels.load(row + i) - vm)
            Kernels.store(v, out + i)
            acc += v
            i += 8
        }
        var total = Double(acc.sum())
        while i < c {
            out[i] = Foundation.exp(row[i] - shift)
            total += Double(out[i])
            i += 1
        }
        return total
    }

    /// Writes exp(x - shift) of each row into `e`, shift being the row's max (0 if not finite);
    /// returns the shifts and the log-sum-exps shift + log Σ exp(x - shift).
    private static func expShifted(
        _ x: UnsafePointer<Float>, _ e: UnsafeMutablePointer<Float>,
        rows: Int, columns c: Int
    ) -> (shift: [Float], lse: [Float]) {
        var lse = [Float](repeating: 0, count: rows)
        var shifts = [Float](repeating: 0, count: rows)
        lse.withUnsafeMutableBufferPointer { lse in
            shifts.withUnsafeMutableBufferPointer { shifts in
                Kernels.parallelFor(rows, grain: Swift.max(1, 16_384 / Swift.max(c, 1))) { range in
                    for r in range {
                        let row = x + r * c
                        let shift = Kernels.max(row, c).finiteOrZero
                        shifts[r] = shift
                        lse[r] = shift + Float(Foundation.log(expShiftedRow(row, e + r * c, columns: c, shift: shift)))
                    }
                }
            }
        }
        return (shifts, lse)
    }

    /// Softmax over the last axis: y_i = e^{x_i} / Σ_j e^{x_j}. Backward: dx = y ⊙ (g - Σ g⊙y).
    public func softmax() -> Tensor {
        let (rows, c) = lastAxisRows
        let out = TensorStorage(uninitializedCount: count)
        let (shift, lse) = Tensor.expShifted(pointer, out.pointer, rows: rows, columns: c)
        for r in 0..<rows {
            let scale = Foundation.exp(shift[r] - lse[r])
            Kernels.scale(out.pointer + r * c, by: scale, c)
        }
        return .result("softmax", shape: shape, storage: out, inputs: [self]) { g in
            let gx = Tensor(uninitializedShape: g.shape)
            for r in 0..<rows {
                let y = out.pointer + r * c
                let gr = g.pointer + r * c
                let dst = gx.pointer + r * c
                var dot: Float = 0
                for i in 0..<c { dot += gr[i] * y[i] }
                for i in 0..<c { dst[i] = y[i] * (gr[i] - dot) }
            }
            return [gx]
        }
    }

    /// log-softmax over the last axis: y_i = x_i - log Σ_j e^{x_j}. Backward: dx = g - softmax · Σ g.
    public func logSoftmax() -> Tensor {
        let (rows, c) = lastAxisRows
        let out = TensorStorage(uninitializedCount: count)
        let lse = Tensor.expShifted(pointer, out.pointer, rows: rows, columns: c).lse
        for r in 0..<rows {
            let shift = lse[r]
            Kernels.map(pointer + r * c, out.pointer + r * c, c, Fn.AddScalar(s: -shift))
        }
        return .result("log_softmax", shape: shape, storage: out, inputs: [self]) { g in
            let gx = Tensor(uninitializedShape: g.shape)
            for r in 0..<rows {
                let y = out.pointer + r * c
                let gr = g.pointer + r * c
                let dst = gx.pointer + r * c
                let total = Kernels.sum(gr, c)
                for i in 0..<c { dst[i] = gr[i] - Foundation.exp(y[i]) * total }
            }
            return [gx]
        }
    }
}

extension Float {
    var finiteOrZero: Float { isFinite ? self : 0 }
}
