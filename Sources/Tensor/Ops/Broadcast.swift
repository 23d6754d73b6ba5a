/// Iteration over two operands broadcast against each other (NumPy rules).
enum Broadcast {
    /// Calls `body(outOffset, aOffset, aStep, bOffset, bStep, length)` for runs of the output's
    /// last axis; a step is 0 where that operand is broadcast along the axis, else 1.
    static func forEachRow(
        _ aShape: [Int], _ bShape: [Int], _ outShape: [Int],
        _ body: (Int, Int, Int, Int, Int, Int) -> Void
    ) {
        let rank = outShape.count
        guard rank > 0 else {
            body(0, 0, 0, 0, 0, 1)
            return
        }
        let sa = Shape.broadcastStrides(aShape, to: outShape)
        let sb = Shape.broadcastStrides(bShape, to: outShape)
        let length = outShape[rank - 1]
        let rows = Shape.count(outShape) / max(length, 1)
        guard length > 0 else { return }
        var index = [Int](repeating: 0, count: rank - 1)
        var offA = 0
        var offB = 0
        for row in 0..<rows {
            body(row * length, offA, sa[rank - 1], offB, sb[rank - 1], length)
            // Advance the multi-index over the leading axes like an odometer.
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                offA += sa[axis]
                offB += sb[axis]
                if index[axis] < outShape[axis] { break }
                offA -= sa[axis] * outShape[axis]
                offB -= sb[axis] * outShape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// out = f(a, b) with broadcasting, SIMD along contiguous runs.
    static func apply<F: BinaryFunction>(_ a: Tensor, _ b: Tensor, op: String, _ f: F) -> Tensor {
        if a.shape == b.shape {
            let out = Tensor(uninitializedShape: a.shape)
            Kernels.zip(a.pointer, b.pointer, out.pointer, a.count, f)
            return out
        }
        guard let shape = Shape.broadcast(a.shape, b.shape) else {
            preconditionFailure("\(op): shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        let out = Tensor(uninitializedShape: shape)
        let pa = a.pointer
        let pb = b.pointer
        let po = out.pointer
        forEachRow(a.shape, b.shape, shape) { o, ia, sa, ib, sb, n in
            if sa == 1 && sb == 1 {
                Kernels.zip(pa + ia, pb + ib, po + o, n, f)
            } else if sa == 1 {
                Kernels.zip(pa + ia, scalar: pb[ib], scalarFirst: false, po + o, n, f)
            } else if sb == 1 {
                Kernels.zip(pb + ib, scalar: pa[ia], scalarFirst: true, po + o, n, f)
            } else {
                let v = f(SIMD8(repeating: pa[ia]), SIMD8(repeating: pb[ib]))[0]
                (po + o).update(repeating: v, count: n)
            }
        }
        return out
    }
}

extension Tensor {
    /// Sums a broadcast gradient back down to `shape` (the inverse of broadcasting).
    public func sum(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let offset = rank - target.count
        precondition(offset >= 0, "sum(toShape:): cannot reduce \(shape) to \(target)")
        var result = self
        for axis in stride(from: rank - 1, through: 0, by: -1)
        where axis < offset || (target[axis - offset] == 1 && shape[axis] != 1) {
            result = result.sum(axis: axis, keepDim: true)
        }
        return result.reshaped(target)
    }

    /// Element-wise a + b with broadcasting.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let out = Broadcast.apply(a, b, op: "add", Fn.Add())
        let (sa, sb) = (a.shape, b.shape)
        return .result("add", shape: out.shape, storage: out.storage, inputs: [a, b], keepsInputs: false) { g in
            [g.sum(toShape: sa), g.sum(toShape: sb)]
        }
    }

    /// Element-wise a - b with broadcasting.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let out = Broadcast.apply(a, b, op: "sub", Fn.Sub())
        let (sa, sb) = (a.shape, b.shape)
        return .result("sub", shape: out.shape, storage: out.storage, inputs: [a, b], keepsInputs: false) { g in
            [g.sum(toShape: sa), b.requiresGrad ? -g.sum(toShape: sb) : nil]
        }
    }

    /// Element-wise a ⊙ b with broadcasting.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let out = Broadcast.apply(a, b, op: "mul", Fn.Mul())
        let (da, db) = (a.detach(), b.detach())
        return .result("mul", shape: out.shape, storage: out.storage, inputs: [a, b]) { g in
            [
                a.requiresGrad ? (g * db).sum(toShape: da.shape) : nil,
                b.requiresGrad ? (g * da).sum(toShape: db.shape) : nil
            ]
        }
    }

    /// Element-wise a / b with broadcasting.
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let out = Broadcast.apply(a, b, op: "div", Fn.Div())
        let (da, db) = (a.detach(), b.detach())
        return .result("div", shape: out.shape, storage: out.storage, inputs: [a, b]) { g in
            [
                a.requiresGrad ? (g / db).sum(toShape: da.shape) : nil,
                b.requiresGrad ? (-(g * da) / (db * db)).sum(toShape: db.shape) : nil
            ]
        }
    }
}
