extension Tensor {
    /// One GRU layer over a whole sequence, fused: per step one sgemm h·W_hhᵀ + b_hh, then one
    /// SIMD pass for the gate math; backward is back-propagation through time by hand.
    ///
    /// Under `Tensor.matrixPrecision` = bfloat16 (read when called; the backward runs as the
    /// forward did) the products h·W_hhᵀ, dH·W_hh and dW_hh take bfloat16 inputs (W_hh packed once
    /// for the forward and once for the backward) and add in Float32, each sum starting from the
    /// bias (forward) or from the Float32 part of dh (backward); the gate math stays Float32.
    ///
    /// - `inputProjection` [seqLen, batch, 3·hidden]: x·W_ihᵀ + b_ih, gates r, z, n.
    /// - `weightHH` [3·hidden, hidden], `biasHH` [3·hidden], `h0` [batch, hidden].
    /// - Returns the hidden states [seqLen, batch, hidden], where
    ///   h' = (1 - z) ⊙ n + z ⊙ h, n = tanh(x_n + r ⊙ (W_hn h + b_hn)).
    public static func gruSequence(inputProjection xp: Tensor, weightHH w: Tensor, biasHH b: Tensor, h0: Tensor) -> Tensor {
        precondition(
            xp.rank == 3 && xp.shape[0] > 0 && xp.shape[2] % 3 == 0,
            "gruSequence: input projection \(xp.shape) is not [seqLen > 0, batch, 3·hidden]")
        let (steps, batch, g3) = (xp.shape[0], xp.shape[1], xp.shape[2])
        let hs = g3 / 3
        precondition(
            w.shape == [g3, hs] && b.shape == [g3],
            "gruSequence: weight \(w.shape) / bias \(b.shape) are not [\(g3), \(hs)] / [\(g3)]")
        precondition(h0.shape == [batch, hs], "gruSequence: h0 \(h0.shape) is not [\(batch), \(hs)]")
        let (stepGates, stepState) = (batch * g3, batch * hs)
        let acts = TensorStorage(uninitializedCount: steps * stepGates)  // r, z, n after activation
        let hiddenN = TensorStorage(uninitializedCount: steps * stepState)  // W_hn h + b_hn
        let out = TensorStorage(uninitializedCount: steps * stepState)
        let hp = TensorStorage(uninitializedCount: stepGates)
        let bf16 = productsInBF16
        let packedW = FrozenWeights.current.recurrentWeight(w, use: "gruSequence", bf16: bf16) {
            RecurrentWeight(w.pointer, k: hs, n: g3, transposed: true, bf16: bf16)
        }
        // The step's h_{t-1} in bfloat16, for the product in that precision.
        let hRounded = bf16 ? BF16RowBuffer(rows: batch, k: hs) : nil
        for t in 0..<steps {
            let hPrev = t == 0 ? h0.pointer : out.pointer + (t - 1) * stepState
            hRounded?.convert(hPrev, ld: hs, rows: 0..<batch, columns: 0..<hs)
            packedW.multiply(
                hPrev, lda: hs, rounded: hRounded?.pointer, m: batch, into: hp.pointer, accumulate: false,
                bias: b.pointer)
            let x = xp.pointer + t * stepGates
            let a = acts.pointer + t * stepGates
            let hn = hiddenN.pointer + t * stepState
            let h = out.pointer + t * stepState
            RowLoop.forEach(rows: batch, width: hs) { r, j, n in
                let gx = x + r * g3 + j
                let gh = hp.pointer + r * g3 + j
                let ga = a + r * g3 + j
                let s = r * hs + j
                let rv = VectorMath.sigmoid(RowLoop.load(gx, n) + RowLoop.load(gh, n))
                let zv = VectorMath.sigmoid(RowLoop.load(gx + hs, n) + RowLoop.load(gh + hs, n))
                let hnv = RowLoop.load(gh + 2 * hs, n)
                let nv = VectorMath.tanh(RowLoop.load(gx + 2 * hs, n).addingProduct(rv, hnv))
                RowLoop.store(rv, ga, n)
                RowLoop.store(zv, ga + hs, n)
                RowLoop.store(nv, ga + 2 * hs, n)
                RowLoop.store(hnv, hn + s, n)
                RowLoop.store(nv.addingProduct(zv, RowLoop.load(hPrev + s, n) - nv), h + s, n)
            }
        }
        return .result("gru_sequence", shape: [steps, batch, hs], storage: out, inputs: [xp, w, b, h0]) { gOut in
            let dx = Tensor(uninitializedShape: [steps, batch, g3])
            let dHidden = Tensor(uninitializedShape: [steps, batch, g3])
            let dh = Tensor.zeros([batch, hs])
            let packedW = RecurrentWeight(w.pointer, k: g3, n: hs, transposed: false, bf16: bf16)
            let dRounded = bf16 ? BF16RowBuffer(rows: batch, k: g3) : nil
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let a = acts.pointer + t * stepGates
                let hn = hiddenN.pointer + t * stepState
                let hPrev = t == 0 ? h0.pointer : out.pointer + (t - 1) * stepState
                let gy = gOut.pointer + t * stepState
                let dxt = dx.pointer + t * stepGates
                let dht = dHidden.pointer + t * stepGates
                RowLoop.forEach(rows: batch, width: hs) { r, j, n in
                    let ga = a + r * g3 + j
                    let s = r * hs + j
                    let o = r * g3 + j
                    let rv = RowLoop.load(ga, n)
                    let zv = RowLoop.load(ga + hs, n)
                    let nv = RowLoop.load(ga + 2 * hs, n)
                    let dhv = RowLoop.load(dh.pointer + s, n) + RowLoop.load(gy + s, n)
                    let dnPre = dhv * (1 - zv) * (1 - nv * nv)
                    let dzPre = dhv * (RowLoop.load(hPrev + s, n) - nv) * zv * (1 - zv)
                    let drPre = dnPre * RowLoop.load(hn + s, n) * rv * (1 - rv)
                    RowLoop.store(drPre, dxt + o, n)
                    RowLoop.store(dzPre, dxt + o + hs, n)
                    RowLoop.store(dnPre, dxt + o + 2 * hs, n)
                    RowLoop.store(drPre, dht + o, n)
                    RowLoop.store(dzPre, dht + o + hs, n)
                    RowLoop.store(dnPre * rv, dht + o + 2 * hs, n)
                    RowLoop.store(dhv * zv, dh.pointer + s, n)
                }
                if t > 0 || h0.requiresGrad {
                    dRounded?.convert(dht, ld: g3, rows: 0..<batch, columns: 0..<g3)
                    packedW.multiply(
                        dht, lda: g3, rounded: dRounded?.pointer, m: batch, into: dh.pointer, accumulate: true)
                }
            }
            let gw =
                w.requiresGrad
                ? RowLoop.recurrentWeightGradient(
                    dHidden.pointer, gates: g3, first: h0.pointer, states: out.pointer,
                    steps: steps, batch: batch, hidden: hs, bf16: bf16)
                : nil
            let gb = b.requiresGrad ? dHidden.reshaped([steps * batch, g3]).sum(axis: 0) : nil
            return [dx, gw, gb, h0.requiresGrad ? dh : nil]
        }
    }
}
