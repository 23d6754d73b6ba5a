extension Tensor {
    /// One LSTM layer over a whole sequence, fused: per step one sgemm h·W_hhᵀ added to the
    /// precomputed input projection, then one SIMD pass for the gate math; backward is
    /// back-propagation through time by hand, with dW_hh as two large products at the end.
    ///
    /// - `inputProjection` [seqLen, batch, 4·hidden]: x·W_ihᵀ + b_ih + b_hh, gates i, f, g, o.
    /// - `weightHH` [4·hidden, hidden], `h0`, `c0` [batch, hidden].
    /// - Returns the hidden states [seqLen, batch, hidden] and the final cell [batch, hidden].
    ///
    /// The two results have separate backward functions; backward is linear in the upstream
    /// gradient, so their contributions add up to the joint gradient (and the cell's runs only
    /// when the final cell is used, which truncated BPTT training does not do).
    ///
    /// Under `Tensor.matrixPrecision` = bfloat16 (read when called; the backward runs as the
    /// forward did) the products h·W_hhᵀ, dG·W_hh and dW_hh take bfloat16 inputs (W_hh packed once
    /// for the forward and once for the backward) and add in Float32, each forward sum starting
    /// from the input projection; the cell state and the gate math stay Float32.
    public static func lstmSequence(inputProjection xp: Tensor, weightHH w: Tensor, h0: Tensor, c0: Tensor)
        -> (output: Tensor, cell: Tensor)
    {
        precondition(
            xp.rank == 3 && xp.shape[0] > 0 && xp.shape[2] % 4 == 0,
            "lstmSequence: input projection \(xp.shape) is not [seqLen > 0, batch, 4·hidden]")
        let (steps, batch, g4) = (xp.shape[0], xp.shape[1], xp.shape[2])
        let hs = g4 / 4
        precondition(w.shape == [g4, hs], "lstmSequence: weight \(w.shape) is not [\(g4), \(hs)]")
        precondition(
            h0.shape == [batch, hs] && c0.shape == [batch, hs],
            "lstmSequence: h0 \(h0.shape) / c0 \(c0.shape) are not [\(batch), \(hs)]")
        let (stepGates, stepState) = (batch * g4, batch * hs)
        let acts = TensorStorage(uninitializedCount: steps * stepGates)
        let cells = TensorStorage(uninitializedCount: steps * stepState)
        let tanhCells = TensorStorage(uninitializedCount: steps * stepState)
        let out = TensorStorage(uninitializedCount: steps * stepState)
        acts.pointer.update(from: xp.pointer, count: steps * stepGates)
        let bf16 = productsInBF16
        let packedW = FrozenWeights.current.recurrentWeight(w, use: "lstmSequence", bf16: bf16) {
            RecurrentWeight(w.pointer, k: hs, n: g4, transposed: true, bf16: bf16)
        }
        // The step's h_{t-1} in bfloat16, for the product in that precision.
        let hRounded = bf16 ? BF16RowBuffer(rows: batch, k: hs) : nil
        for t in 0..<steps {
            let a = acts.pointer + t * stepGates
            let hPrev = t == 0 ? h0.pointer : out.pointer + (t - 1) * stepState
            let cPrev = t == 0 ? c0.pointer : cells.pointer + (t - 1) * stepState
            hRounded?.convert(hPrev, ld: hs, rows: 0..<batch, columns: 0..<hs)
            packedW.multiply(hPrev, lda: hs, rounded: hRounded?.pointer, m: batch, into: a, accumulate: true)
            let (c, tc, h) = (cells.pointer + t * stepState, tanhCells.pointer + t * stepState, out.pointer + t * stepState)
            RowLoop.forEach(rows: batch, width: hs) { r, j, n in
                let ga = a + r * g4 + j
                let s = r * hs + j
                let i = VectorMath.sigmoid(RowLoop.load(ga, n))
                let f = VectorMath.sigmoid(RowLoop.load(ga + hs, n))
                let g = VectorMath.tanh(RowLoop.load(ga + 2 * hs, n))
                let o = VectorMath.sigmoid(RowLoop.load(ga + 3 * hs, n))
                let cv = (i * g).addingProduct(f, RowLoop.load(cPrev + s, n))
                let tcv = VectorMath.tanh(cv)
                RowLoop.store(i, ga, n)
                RowLoop.store(f, ga + hs, n)
                RowLoop.store(g, ga + 2 * hs, n)
                RowLoop.store(o, ga + 3 * hs, n)
                RowLoop.store(cv, c + s, n)
                RowLoop.store(tcv, tc + s, n)
                RowLoop.store(o * tcv, h + s, n)
            }
        }
        let lastCell = TensorStorage(uninitializedCount: stepState)
        lastCell.pointer.update(from: cells.pointer + (steps - 1) * stepState, count: stepState)

        /// Gradients of (xp, w, h0, c0) from the upstream gradients of the outputs and the final cell.
        func backward(_ gOut: Tensor?, _ gCell: Tensor?) -> [Tensor?] {
            let dGates = Tensor(uninitializedShape: [steps, batch, g4])
            let dh = Tensor.zeros([batch, hs])
            let dc = gCell?.copy() ?? Tensor.zeros([batch, hs])
            let packedW = RecurrentWeight(w.pointer, k: g4, n: hs, transposed: false, bf16: bf16)
            let dRounded = bf16 ? BF16RowBuffer(rows: batch, k: g4) : nil
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let a = acts.pointer + t * stepGates
                let dg = dGates.pointer + t * stepGates
                let tc = tanhCells.pointer + t * stepState
                let cPrev = t == 0 ? c0.pointer : cells.pointer + (t - 1) * stepState
                let gy = gOut.map { $0.pointer + t * stepState }
                RowLoop.lstmStepBackward(
                    acts: a, tanhCell: tc, previousCell: cPrev, upstream: gy, dh: dh.pointer,
                    dc: dc.pointer, dGates: dg, batch: batch, hidden: hs)
                if t > 0 || h0.requiresGrad {
                    dRounded?.convert(dg, ld: g4, rows: 0..<batch, columns: 0..<g4)
                    packedW.multiply(dg, lda: g4, rounded: dRounded?.pointer, m: batch, into: dh.pointer, accumulate: false)
                }
            }
            let gw =
                w.requiresGrad
                ? RowLoop.recurrentWeightGradient(
                    dGates.pointer, gates: g4, first: h0.pointer, states: out.pointer,
                    steps: steps, batch: batch, hidden: hs, bf16: bf16)
                : nil
            return [dGates, gw, h0.requiresGrad ? dh : nil, c0.requiresGrad ? dc : nil]
        }
        let inputs = [xp, w, h0, c0]
        let output = Tensor.result("lstm_sequence", shape: [steps, batch, hs], storage: out, inputs: inputs) { g in
            backward(g, nil)
        }
        let cell = Tensor.result("lstm_sequence_cell", shape: [batch, hs], storage: lastCell, inputs: inputs) { g in
            backward(nil, g)
        }
        return (output, cell)
    }

}
