extension Tensor {
    /// One Elman RNN layer over a whole sequence, fused: h' = act(xp_t + h·W_hhᵀ) with act tanh
    /// or relu; backward is back-propagation through time by hand.
    ///
    /// - `inputProjection` [seqLen, batch, hidden]: x·W_ihᵀ + b_ih + b_hh.
    /// - `weightHH` [hidden, hidden], `h0` [batch, hidden] → hidden states [seqLen, batch, hidden].
    public static func rnnSequence(inputProjection xp: Tensor, weightHH w: Tensor, h0: Tensor, relu: Bool) -> Tensor {
        precondition(
            xp.rank == 3 && xp.shape[0] > 0,
            "rnnSequence: input projection \(xp.shape) is not [seqLen > 0, batch, hidden]")
        let (steps, batch, hs) = (xp.shape[0], xp.shape[1], xp.shape[2])
        precondition(w.shape == [hs, hs], "rnnSequence: weight \(w.shape) is not [\(hs), \(hs)]")
        precondition(h0.shape == [batch, hs], "rnnSequence: h0 \(h0.shape) is not [\(batch), \(hs)]")
        let stepState = batch * hs
        let out = TensorStorage(uninitializedCount: steps * stepState)
        out.pointer.update(from: xp.pointer, count: steps * stepState)
        let packedW = PackedMatrix(w.pointer, k: hs, n: hs, transposed: true)
        for t in 0..<steps {
            let hPrev = t == 0 ? h0.pointer : out.pointer + (t - 1) * stepState
            let h = out.pointer + t * stepState
            packedW.multiply(hPrev, m: batch, lda: hs, into: h, accumulate: true)
            if relu { Kernels.map(h, h, stepState, Fn.Relu()) } else { Kernels.map(h, h, stepState, Fn.Tanh()) }
        }
        return .result(
            relu ? "rnn_relu_sequence" : "rnn_tanh_sequence", shape: [steps, batch, hs], storage: out,
            inputs: [xp, w, h0]
        ) { gOut in
            let dPre = Tensor(uninitializedShape: [steps, batch, hs])
            let dh = Tensor.zeros([batch, hs])
            let packedW = PackedMatrix(w.pointer, k: hs, n: hs, transposed: false)
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let y = out.pointer + t * stepState
                let gy = gOut.pointer + t * stepState
                let d = dPre.pointer + t * stepState
                var i = 0
                while i < stepState {
                    let n = Swift.min(8, stepState - i)
                    let yv = RowLoop.load(y + i, n)
                    let dhv = RowLoop.load(dh.pointer + i, n) + RowLoop.load(gy + i, n)
                    let slope = relu ? RowLoop.V(repeating: 1).replacing(with: 0, where: .!(yv .> 0)) : 1 - yv * yv
                    RowLoop.store(dhv * slope, d + i, n)
                    i += 8
                }
                if t > 0 || h0.requiresGrad {
                    packedW.multiply(d, m: batch, lda: hs, into: dh.pointer, accumulate: false)
                }
            }
            let gw =
                w.requiresGrad
                ? RowLoop.recurrentWeightGradient(
                    dPre.pointer, gates: hs, first: h0.pointer, states: out.pointer,
                    steps: steps, batch: batch, hidden: hs, bf16: false)
                : nil
            return [dPre, gw, h0.requiresGrad ? dh : nil]
        }
    }
}
