extension Tensor {
    /// Rows of `weight` [V, D] picked by `indices` → shape `indexShape + [D]` (PyTorch's
    /// `F.embedding`). Backward scatter-adds the gradient rows into a [V, D] gradient.
    public static func embedding(_ weight: Tensor, indices: [Int], shape indexShape: [Int]) -> Tensor {
        precondition(weight.rank == 2, "embedding: weight must be [V, D], got \(weight.shape)")
        precondition(
            Shape.count(indexShape) == indices.count,
            "embedding: \(indices.count) indices do not fill shape \(indexShape)")
        let (v, d) = (weight.shape[0], weight.shape[1])
        let out = TensorStorage(uninitializedCount: indices.count * d)
        for (i, index) in indices.enumerated() {
            precondition(index >= 0 && index < v, "embedding: index \(index) out of range for \(v) rows")
            (out.pointer + i * d).update(from: weight.pointer + index * d, count: d)
        }
        return .result("embedding", shape: indexShape + [d], storage: out, inputs: [weight]) { g in
            let gw = Tensor.zeros([v, d])
            for (i, index) in indices.enumerated() {
                Kernels.add(gw.pointer + index * d, g.pointer + i * d, gw.pointer + index * d, d)
            }
            return [gw]
        }
    }

    /// Slices `indices` along `axis`, in that order (repeats allowed); backward scatter-adds.
    public func indexSelect(axis: Int, _ indices: [Int]) -> Tensor {
        let ax = Shape.axis(axis, rank: rank, op: "indexSelect")
        let outer = Shape.count(Array(shape[..<ax]))
        let size = shape[ax]
        let inner = Shape.count(Array(shape[(ax + 1)...]))
        var outShape = shape
        outShape[ax] = indices.count
        let out = TensorStorage(uninitializedCount: outer * indices.count * inner)
        for o in 0..<outer {
            for (j, index) in indices.enumerated() {
                precondition(index >= 0 && index < size, "indexSelect: index \(index) out of range for axis \(axis) of \(shape)")
                (out.pointer + (o * indices.count + j) * inner).update(from: pointer + (o * size + index) * inner, count: inner)
            }
        }
        let inShape = shape
        return .result("index_select", shape: outShape, storage: out, inputs: [self]) { g in
            let gx = Tensor.zeros(inShape)
            for o in 0..<outer {
                for (j, index) in indices.enumerated() {
                    let dst = gx.pointer + (o * size + index) * inner
                    Kernels.add(dst, g.pointer + (o * indices.count + j) * inner, dst, inner)
                }
            }
            return [gx]
        }
    }

    /// Replaces elements where `mask` (broadcast to this shape) is non-zero by `value`.
    /// The gradient passes only where the mask is zero.
    public func maskedFill(_ mask: Tensor, _ value: Float) -> Tensor {
        precondition(
            Shape.broadcast(shape, mask.shape) == shape,
            "maskedFill: mask \(mask.shape) does not broadcast to \(shape)")
        let out = Broadcast.apply(self, mask, op: "maskedFill", Fn.MaskFill(fill: value))
        return .result("masked_fill", shape: shape, storage: out.storage, inputs: [self]) { g in
            [Broadcast.apply(g, mask, op: "maskedFill", Fn.MaskFill(fill: 0))]
        }
    }
}
