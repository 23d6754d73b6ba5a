extension Tensor {
    /// The same elements read with another shape; shares storage (a view). One size may be -1.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        if let hole = target.firstIndex(of: -1) {
            let known = target.enumerated().filter { $0.offset != hole }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "reshaped: cannot infer -1 in \(newShape) for shape \(shape)")
            target[hole] = count / known
        }
        precondition(Shape.count(target) == count, "reshaped: shape \(shape) cannot be viewed as \(newShape)")
        if target == shape { return self }
        let inShape = shape
        return .result("reshape", shape: target, storage: storage, inputs: [self]) { g in
            [g.reshaped(inShape)]
        }
    }

    /// Reorders axes: output axis i is input axis `order[i]` (PyTorch's `permute`). Copies.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(0..<rank), "permuted: \(order) is not a permutation of the axes of \(shape)")
        if order == Array(0..<rank) { return self }
        let outShape = order.map { shape[$0] }
        let inStrides = Shape.strides(shape)
        let steps = order.map { inStrides[$0] }
        let out = TensorStorage(uninitializedCount: count)
        let x = pointer
        let y = out.pointer
        let last = rank - 1
        let length = outShape[last]
        let step = steps[last]
        var index = [Int](repeating: 0, count: rank)
        var offset = 0
        if length > 0 {
            for row in 0..<(count / length) {
                let dst = y + row * length
                if step == 1 {
                    dst.update(from: x + offset, count: length)
                } else {
                    for j in 0..<length { dst[j] = x[offset + j * step] }
                }
                var axis = last - 1
                while axis >= 0 {
                    index[axis] += 1
                    offset += steps[axis]
                    if index[axis] < outShape[axis] { break }
                    offset -= steps[axis] * outShape[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, axis) in order.enumerated() { inverse[axis] = i }
        return .result("permute", shape: outShape, storage: out, inputs: [self]) { g in
            [g.permuted(inverse)]
        }
    }

    /// Swaps two axes. Copies.
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        let i = Shape.axis(a, rank: rank, op: "transposed")
        let j = Shape.axis(b, rank: rank, op: "transposed")
        var order = Array(0..<rank)
        order.swapAt(i, j)
        return permuted(order)
    }

    /// Elements `range` along `axis`, copied.
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let ax = Shape.axis(axis, rank: rank, op: "slice")
        precondition(
            range.lowerBound >= 0 && range.upperBound <= shape[ax],
            "slice: range \(range) out of bounds for axis \(axis) of shape \(shape)")
        let outer = Shape.count(Array(shape[..<ax]))
        let inner = Shape.count(Array(shape[(ax + 1)...]))
        let size = shape[ax]
        let width = range.count * inner
        var outShape = shape
        outShape[ax] = range.count
        let out = TensorStorage(uninitializedCount: outer * width)
        for o in 0..<outer {
            (out.pointer + o * width).update(from: pointer + (o * size + range.lowerBound) * inner, count: width)
        }
        let inShape = shape
        return .result("slice", shape: outShape, storage: out, inputs: [self]) { g in
            let gx = Tensor.zeros(inShape)
            for o in 0..<outer {
                (gx.pointer + (o * size + range.lowerBound) * inner).update(from: g.pointer + o * width, count: width)
            }
            return [gx]
        }
    }

    /// Splits along `axis` into pieces of the given sizes (which must add up to the axis).
    public func split(sizes: [Int], axis: Int) -> [Tensor] {
        let ax = Shape.axis(axis, rank: rank, op: "split")
        precondition(sizes.reduce(0, +) == shape[ax], "split: sizes \(sizes) do not add up to axis \(axis) of \(shape)")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return slice(axis: ax, start..<(start + size))
        }
    }

    /// Joins tensors along an existing axis; all other sizes must agree.
    public static func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "concat: no tensors")
        let first = tensors[0].shape
        let ax = Shape.axis(axis, rank: first.count, op: "concat")
        for t in tensors {
            var a = t.shape
            var b = first
            precondition(a.count == b.count, "concat: shapes \(t.shape) and \(first) differ in rank")
            a[ax] = 0
            b[ax] = 0
            precondition(a == b, "concat: shapes \(t.shape) and \(first) differ off axis \(axis)")
        }
        let outer = Shape.count(Array(first[..<ax]))
        let inner = Shape.count(Array(first[(ax + 1)...]))
        let sizes = tensors.map { $0.shape[ax] }
        let total = sizes.reduce(0, +)
        var outShape = first
        outShape[ax] = total
        let out = TensorStorage(uninitializedCount: outer * total * inner)
        var start = 0
        for (t, size) in zip(tensors, sizes) {
            for o in 0..<outer {
                (out.pointer + (o * total + start) * inner).update(from: t.pointer + o * size * inner, count: size * inner)
            }
            start += size
        }
        return .result("concat", shape: outShape, storage: out, inputs: tensors) { g in
            g.split(sizes: sizes, axis: ax)
        }
    }

    /// Joins same-shaped tensors along a new axis.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "stack: no tensors")
        let shape = tensors[0].shape
        for t in tensors { precondition(t.shape == shape, "stack: shapes \(t.shape) and \(shape) differ") }
        let ax = Shape.axis(axis, rank: shape.count + 1, op: "stack")
        var expanded = shape
        expanded.insert(1, at: ax)
        return concat(tensors.map { $0.reshaped(expanded) }, axis: ax)
    }

    /// Inverse of `stack`: the slices along `axis`, each without that axis.
    public func unstacked(axis: Int = 0) -> [Tensor] {
        let ax = Shape.axis(axis, rank: rank, op: "unstacked")
        var inner = shape
        inner.remove(at: ax)
        return split(sizes: Array(repeating: 1, count: shape[ax]), axis: ax).map { $0.reshaped(inner) }
    }
}
