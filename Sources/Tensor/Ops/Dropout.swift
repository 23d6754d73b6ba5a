extension Tensor {
    /// Inverted dropout: zeroes each element with probability `p` and scales the rest by 1/(1-p),
    /// so evaluation needs no rescaling. The identity when not `training` or when p = 0.
    public func dropout(p: Float, training: Bool = true, generator: RandomGenerator = .global) -> Tensor {
        precondition(p >= 0 && p <= 1, "dropout: probability \(p) outside [0, 1]")
        guard training, p > 0 else { return self }
        let scale: Float = p == 1 ? 0 : 1 / (1 - p)
        // The mask as bits: backward keeps 1/32 of the memory of a Float mask.
        let keep = KeepBits(count: count, keep: 1 - p, generator: generator)
        let x = storage
        let out = TensorStorage(uninitializedCount: count)
        let (xp, op) = (x.pointer, out.pointer)
        Kernels.parallelFor(count, grain: 32_768) { range in
            keep.apply(xp + range.lowerBound, op + range.lowerBound, start: range.lowerBound, count: range.count, scale: scale)
        }
        return .result("dropout", shape: shape, storage: out, inputs: [self], keepsInputs: false) { g in
            let grad = Tensor(uninitializedShape: g.shape)
            let (gp, rp) = (g.pointer, grad.pointer)
            Kernels.parallelFor(g.count, grain: 32_768) { range in
                keep.apply(
                    gp + range.lowerBound, rp + range.lowerBound, start: range.lowerBound, count: range.count, scale: scale)
            }
            return [grad]
        }
    }

    /// Multiplies by a given dropout mask (already scaled); used by whole-channel dropout too.
    public func dropout(mask: Tensor) -> Tensor {
        let out = Broadcast.apply(self, mask, op: "dropout", Fn.Mul())
        return .result("dropout", shape: out.shape, storage: out.storage, inputs: [self]) { g in
            [Broadcast.apply(g, mask, op: "dropout", Fn.Mul()).sum(toShape: self.shape)]
        }
    }
}
