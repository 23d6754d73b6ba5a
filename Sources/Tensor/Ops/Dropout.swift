extension Tensor {
    /// Inverted dropout: zeroes each element with probability `p` and scales the rest by 1/(1-p),
    /// so evaluation needs no rescaling. The identity when not `training` or when p = 0.
    public func dropout(p: Float, training: Bool = true, generator: RandomGenerator = .global) -> Tensor {
        precondition(p >= 0 && p <= 1, "dropout: probability \(p) outside [0, 1]")
        guard training, p > 0 else { return self }
        let mask = Tensor(uninitializedShape: shape)
        let keep = 1 - p
        let scale: Float = p == 1 ? 0 : 1 / (1 - p)
        generator.fillMask(mask.pointer, count: count, p: keep, value: scale)
        return dropout(mask: mask)
    }

    /// Multiplies by a given dropout mask (already scaled); used by whole-channel dropout too.
    public func dropout(mask: Tensor) -> Tensor {
        let out = Broadcast.apply(self, mask, op: "dropout", Fn.Mul())
        return .result("dropout", shape: out.shape, storage: out.storage, inputs: [self]) { g in
            [Broadcast.apply(g, mask, op: "dropout", Fn.Mul()).sum(toShape: self.shape)]
        }
    }
}
