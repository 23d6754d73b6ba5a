extension Fn {
    /// a ⊙ σ(b).
    struct GatedLinear: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: V, _ b: V) -> V { a * VectorMath.sigmoid(b) }
    }
    /// ∂/∂a of a ⊙ σ(b) times g: g ⊙ σ(b) (x = a, y = b).
    struct GatedLinearGradA: TernaryFunction {
        @inline(__always) func callAsFunction(_ g: V, _ a: V, _ b: V) -> V { g * VectorMath.sigmoid(b) }
    }
    /// ∂/∂b of a ⊙ σ(b) times g: g ⊙ a ⊙ σ(b) ⊙ (1 − σ(b)) (x = a, y = b).
    struct GatedLinearGradB: TernaryFunction {
        @inline(__always) func callAsFunction(_ g: V, _ a: V, _ b: V) -> V {
            let s = VectorMath.sigmoid(b)
            return g * a * s * (1 - s)
        }
    }
}

extension Tensor {
    /// The gated linear unit over the last axis, PyTorch's `F.glu(x, dim=-1)`: x [*, 2n] is split
    /// into halves a = x[..., :n] and b = x[..., n:], and the result [*, n] is a ⊙ σ(b)
    /// (Dauphin et al. 2017). One pass forward, one per input half backward.
    public func glu() -> Tensor {
        precondition(
            rank >= 1 && shape[rank - 1] % 2 == 0 && shape[rank - 1] > 0,
            "glu: the last axis of \(shape) must have an even, positive size")
        let width = shape[rank - 1]
        let half = width / 2
        let rows = count / width
        var outShape = shape
        outShape[rank - 1] = half
        let out = TensorStorage(uninitializedCount: rows * half)
        let x = pointer
        for r in 0..<rows {
            Kernels.zip(x + r * width, x + r * width + half, out.pointer + r * half, half, Fn.GatedLinear())
        }
        let input = self
        return .result("glu", shape: outShape, storage: out, inputs: [self]) { g in
            let gx = Tensor(uninitializedShape: input.shape)
            let x = input.pointer
            for r in 0..<rows {
                let a = x + r * width
                let b = a + half
                let gr = g.pointer + r * half
                Kernels.zip3(gr, a, b, gx.pointer + r * width, half, Fn.GatedLinearGradA())
                Kernels.zip3(gr, a, b, gx.pointer + r * width + half, half, Fn.GatedLinearGradB())
            }
            return [gx]
        }
    }
}
