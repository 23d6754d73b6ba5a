extension Tensor {
    /// Views the tensor as [outer, size, inner] around `axis`.
    private func split(around axis: Int) -> (outer: Int, size: Int, inner: Int) {
        (Shape.count(Array(shape[..<axis])), shape[axis], Shape.count(Array(shape[(axis + 1)...])))
    }

    private func reducedShape(_ axis: Int, keepDim: Bool) -> [Int] {
        var s = shape
        if keepDim { s[axis] = 1 } else { s.remove(at: axis) }
        return s
    }

    /// Sum of all elements, as a 0-d tensor.
    public func sum() -> Tensor {
        let out = Tensor(Kernels.sum(pointer, count))
        let s = shape
        return .result("sum", shape: [], storage: out.storage, inputs: [self]) { g in
            [Tensor(shape: s, repeating: g.item)]
        }
    }

    /// Mean of all elements, as a 0-d tensor.
    public func mean() -> Tensor { sum() / Float(Swift.max(count, 1)) }

    /// Sum over `axis` (negative counts from the end); `keepDim` keeps it with size 1.
    public func sum(axis: Int, keepDim: Bool = false) -> Tensor {
        let ax = Shape.axis(axis, rank: rank, op: "sum")
        let (outer, size, inner) = split(around: ax)
        let out = TensorStorage(count: outer * inner, repeating: 0)
        let x = pointer
        let y = out.pointer
        if inner == 1 {
            for o in 0..<outer { y[o] = Kernels.sum(x + o * size, size) }
        } else {
            // Split by columns, so every thread streams whole row segments and each column is
            // still summed in order of s.
            Kernels.parallelFor(inner, grain: Swift.max(8, (1 << 16) / Swift.max(outer * size, 1))) { range in
                for o in 0..<outer {
                    let dst = y + o * inner + range.lowerBound
                    for s in 0..<size {
                        Kernels.add(dst, x + (o * size + s) * inner + range.lowerBound, dst, range.count)
                    }
                }
            }
        }
        let keptShape = reducedShape(ax, keepDim: true)
        let inShape = shape
        return .result("sum", shape: reducedShape(ax, keepDim: keepDim), storage: out, inputs: [self]) { g in
            [g.reshaped(keptShape).expanded(to: inShape)]
        }
    }

    /// Mean over `axis`.
    public func mean(axis: Int, keepDim: Bool = false) -> Tensor {
        let ax = Shape.axis(axis, rank: rank, op: "mean")
        return sum(axis: ax, keepDim: keepDim) / Float(Swift.max(shape[ax], 1))
    }

    /// Maximum over `axis`; the gradient goes to the first maximal element, as in PyTorch.
    public func max(axis: Int, keepDim: Bool = false) -> Tensor {
        let ax = Shape.axis(axis, rank: rank, op: "max")
        let (outer, size, inner) = split(around: ax)
        precondition(size > 0, "max: axis \(axis) of shape \(shape) is empty")
        let out = TensorStorage(uninitializedCount: outer * inner)
        var argmax = [Int](repeating: 0, count: outer * inner)
        let x = pointer
        let y = out.pointer
        // Slice by slice along the axis, so the inner loop reads contiguous memory; a NaN, once
        // found, stays the maximum.
        var at = [Int](repeating: 0, count: inner)
        for o in 0..<outer {
            let (base, best) = (x + o * size * inner, y + o * inner)
            best.update(from: base, count: inner)
            for i in 0..<inner { at[i] = 0 }
            for s in 1..<size {
                let slice = base + s * inner
                for i in 0..<inner where !best[i].isNaN && (slice[i] > best[i] || slice[i].isNaN) {
                    best[i] = slice[i]
                    at[i] = s
                }
            }
            for i in 0..<inner { argmax[o * inner + i] = (o * size + at[i]) * inner + i }
        }
        let inShape = shape
        return .result("max", shape: reducedShape(ax, keepDim: keepDim), storage: out, inputs: [self]) { g in
            let gx = Tensor.zeros(inShape)
            for (j, source) in argmax.enumerated() { gx.pointer[source] = g.pointer[j] }
            return [gx]
        }
    }

    /// Maximum of all elements, as a 0-d tensor.
    public func max() -> Tensor { reshaped([count]).max(axis: 0) }

    /// Repeats size-1 axes (and new leading axes) to `target`, copying; the gradient sums back.
    public func expanded(to target: [Int]) -> Tensor {
        if shape == target { return self }
        precondition(Shape.broadcast(shape, target) == target, "expanded: \(shape) does not broadcast to \(target)")
        let out = TensorStorage(uninitializedCount: Shape.count(target))
        let x = pointer
        let y = out.pointer
        Broadcast.forEachRow(shape, target, target) { o, ia, step, _, _, n in
            if step == 1 { (y + o).update(from: x + ia, count: n) } else { (y + o).update(repeating: x[ia], count: n) }
        }
        let inShape = shape
        return .result("expand", shape: target, storage: out, inputs: [self]) { g in
            [g.sum(toShape: inShape)]
        }
    }
}
