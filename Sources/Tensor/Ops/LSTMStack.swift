import Foundation

extension Tensor {
    /// A whole multi-layer LSTM, fused. Layer after layer: the input products of all steps as one
    /// packed product, then per step h_{t-1}·W_hhᵀ and the gate math. With more than one thread
    /// allowed, the hidden units are split between the cores: each core multiplies by only its
    /// units' rows of the weights (half of W_hh stays in its cache from step to step) and a
    /// barrier per step hands the whole h_t to the next step. Backward is the mirror image: per
    /// step, the gate gradients of each core's units, a barrier, then each core's columns of
    /// dG_t·W_hh; the gradients for the layer below, for x and for the weights are large products
    /// after each layer's steps. Each value is computed by the same code from the same inputs, in
    /// the same order, whatever the number of threads.
    ///
    /// - `x` [seqLen, batch, input]; per layer `weightsIH[l]` [4·hidden, in_l], `weightsHH[l]`
    ///   [4·hidden, hidden], `biasesIH[l]`, `biasesHH[l]` [4·hidden], `h0[l]`, `c0[l]` [batch, hidden];
    /// - `dropoutMasks[l]` [seqLen, batch, hidden] (scaled, or nil for none) multiplies the output
    ///   of layer l before layer l + 1 reads it (count: layers - 1, or empty).
    /// - Returns the last layer's outputs [seqLen, batch, hidden] and each layer's final h and c.
    public static func lstmStack(
        _ x: Tensor, weightsIH: [Tensor], weightsHH: [Tensor], biasesIH: [Tensor], biasesHH: [Tensor],
        h0: [Tensor], c0: [Tensor], dropoutMasks: [Tensor?] = [], parallel: Bool? = nil
    ) -> (output: Tensor, h: [Tensor], c: [Tensor]) {
        let layers = weightsIH.count
        precondition(
            layers > 0
                && [weightsHH.count, biasesIH.count, biasesHH.count, h0.count, c0.count]
                    .allSatisfy { $0 == layers },
            "lstmStack: per-layer argument counts differ")
        precondition(x.rank == 3 && x.shape[0] > 0, "lstmStack: input \(x.shape) is not [seqLen > 0, batch, features]")
        let (steps, batch) = (x.shape[0], x.shape[1])
        let hs = weightsHH[0].shape[1]
        let g4 = 4 * hs
        for l in 0..<layers {
            let inF = l == 0 ? x.shape[2] : hs
            precondition(
                weightsIH[l].shape == [g4, inF] && weightsHH[l].shape == [g4, hs]
                    && biasesIH[l].shape == [g4] && biasesHH[l].shape == [g4]
                    && h0[l].shape == [batch, hs] && c0[l].shape == [batch, hs],
                "lstmStack: layer \(l) shapes do not match input \(x.shape), hidden \(hs)")
        }
        precondition(dropoutMasks.isEmpty || dropoutMasks.count == layers - 1, "lstmStack: \(dropoutMasks.count) masks")
        let masks: [UnsafePointer<Float>?] = (0..<layers).map { l in
            l < dropoutMasks.count
                ? dropoutMasks[l].map { m in
                    precondition(m.shape == [steps, batch, hs], "lstmStack: mask \(m.shape)")
                    return UnsafePointer(m.pointer)
                } : nil
        }
        let teamSize = (parallel ?? (BLAS.maxThreads > 1)) ? 2 : 1

        let (stepGates, stepState, rows) = (batch * g4, batch * hs, steps * batch)
        let acts = (0..<layers).map { _ in TensorStorage(uninitializedCount: steps * stepGates) }
        let cells = (0..<layers).map { _ in TensorStorage(uninitializedCount: steps * stepState) }
        let tanhCells = (0..<layers).map { _ in TensorStorage(uninitializedCount: steps * stepState) }
        let outs = (0..<layers).map { _ in TensorStorage(uninitializedCount: steps * stepState) }
        // The input each layer read: x for layer 0, the (dropped-out) output below for the others.
        let dropped = (0..<layers).map { l in
            l > 0 && masks[l - 1] != nil ? TensorStorage(uninitializedCount: steps * stepState) : nil
        }
        let inputs: [UnsafePointer<Float>] = (0..<layers).map { l in
            UnsafePointer(l == 0 ? x.pointer : (dropped[l]?.pointer ?? outs[l - 1].pointer))
        }
        let inWidth = (0..<layers).map { l in l == 0 ? x.shape[2] : hs }
        let barrier = TeamBarrier()

        ThreadPool.shared.runTeam(maxSize: teamSize) { member, size in
            let units = Parallel.range(of: member, chunks: size, count: hs)
            let u0 = units.lowerBound
            let width = units.count
            let gates = 4 * width
            // Row j of this core's share of a gate-major weight: gate j / width, unit u0 + j % width.
            func weightRow(_ j: Int) -> Int { (j / width) * hs + u0 + j % width }
            // This core's gate pre-activations for every step, [steps, batch, 4·width].
            let pre = TensorStorage(uninitializedCount: Swift.max(1, rows * gates))
            let bias = TensorStorage(uninitializedCount: Swift.max(1, gates))
            for l in 0..<layers {
                let (wih, whh, inF) = (weightsIH[l].pointer, weightsHH[l].pointer, inWidth[l])
                let packIH = PackedMatrix(k: inF, n: gates) { j in UnsafePointer(wih + weightRow(j) * inF) }
                let packHH = PackedMatrix(k: hs, n: gates) { j in UnsafePointer(whh + weightRow(j) * hs) }
                let (bih, bhh) = (biasesIH[l].pointer, biasesHH[l].pointer)
                for j in 0..<gates { bias.pointer[j] = bih[weightRow(j)] + bhh[weightRow(j)] }
                // The layer below finished every step before the barrier that ended its last step.
                packIH.multiply(inputs[l], m: rows, lda: inF, into: pre.pointer, accumulate: false, bias: bias.pointer)
                let (actsL, cellsL, tanhL, outL) = (acts[l].pointer, cells[l].pointer, tanhCells[l].pointer, outs[l].pointer)
                let mask = masks[l]
                let next = l + 1 < layers ? dropped[l + 1]?.pointer : nil
                for t in 0..<steps {
                    let p = pre.pointer + t * batch * gates
                    let a = actsL + t * stepGates
                    let hPrev = t == 0 ? UnsafePointer(h0[l].pointer) : UnsafePointer(outL + (t - 1) * stepState)
                    let cPrev = t == 0 ? UnsafePointer(c0[l].pointer) : UnsafePointer(cellsL + (t - 1) * stepState)
                    packHH.multiply(hPrev, m: batch, lda: hs, into: p, accumulate: true)
                    let (c, tc, h) = (cellsL + t * stepState, tanhL + t * stepState, outL + t * stepState)
                    RowLoop.forEach(rows: batch, width: width) { r, j, n in
                        let pa = p + r * gates + j
                        let ga = a + r * g4 + u0 + j
                        let s = r * hs + u0 + j
                        let i = VectorMath.sigmoid(RowLoop.load(pa, n))
                        let f = VectorMath.sigmoid(RowLoop.load(pa + width, n))
                        let g = VectorMath.tanh(RowLoop.load(pa + 2 * width, n))
                        let o = VectorMath.sigmoid(RowLoop.load(pa + 3 * width, n))
                        let cv = (i * g).addingProduct(f, RowLoop.load(cPrev + s, n))
                        let tcv = VectorMath.tanh(cv)
                        let hv = o * tcv
                        RowLoop.store(i, ga, n)
                        RowLoop.store(f, ga + hs, n)
                        RowLoop.store(g, ga + 2 * hs, n)
                        RowLoop.store(o, ga + 3 * hs, n)
                        RowLoop.store(cv, c + s, n)
                        RowLoop.store(tcv, tc + s, n)
                        RowLoop.store(hv, h + s, n)
                        if let mask, let next {
                            let at = t * stepState + s
                            RowLoop.store(hv * RowLoop.load(mask + at, n), next + at, n)
                        }
                    }
                    barrier.wait(size: size)
                }
            }
        }

        /// Gradients of every input from the upstream gradients of the output, the final h of
        /// `hLayer` and the final c of `cLayer` (at most one of the three is given).
        func backward(_ gOut: Tensor?, _ gH: (Int, Tensor)?, _ gC: (Int, Tensor)?) -> [Tensor?] {
            let dGates = (0..<layers).map { _ in TensorStorage(uninitializedCount: steps * stepGates) }
            // gUp[l]: gradient reaching layer l's outputs from the layer above (after its dropout mask).
            let gUp = (0..<layers).map { l in l < layers - 1 ? TensorStorage(uninitializedCount: steps * stepState) : nil }
            let dx = x.requiresGrad ? Tensor(uninitializedShape: x.shape) : nil
            let gWIH = (0..<layers).map { l in weightsIH[l].requiresGrad ? Tensor(uninitializedShape: [g4, inWidth[l]]) : nil }
            let gWHH = (0..<layers).map { l in weightsHH[l].requiresGrad ? Tensor(uninitializedShape: [g4, hs]) : nil }
            let gB = (0..<layers).map { l in biasesIH[l].requiresGrad || biasesHH[l].requiresGrad ? Tensor.zeros([g4]) : nil }
            let dh = (0..<layers).map { _ in Tensor(uninitializedShape: [batch, hs]) }
            let dc = (0..<layers).map { _ in Tensor(uninitializedShape: [batch, hs]) }
            // `inputs` and `masks` point into these: keep them alive until every product has run.
            defer { withExtendedLifetime((dropped, x, dropoutMasks)) {} }
            BLAS.setThreads(1)
            ThreadPool.shared.runTeam(maxSize: teamSize) { member, size in
                let units = Parallel.range(of: member, chunks: size, count: hs)
                let u0 = units.lowerBound
                let width = units.count
                for l in stride(from: layers - 1, through: 0, by: -1) {
                    let (dhL, dcL, dgL) = (dh[l].pointer, dc[l].pointer, dGates[l].pointer)
                    for r in 0..<batch {
                        let (start, h, c) = (r * hs + u0, gH?.0 == l ? gH?.1 : nil, gC?.0 == l ? gC?.1 : nil)
                        if let h {
                            (dhL + start).update(from: h.pointer + start, count: width)
                        } else {
                            (dhL + start).update(repeating: 0, count: width)
                        }
                        if let c {
                            (dcL + start).update(from: c.pointer + start, count: width)
                        } else {
                            (dcL + start).update(repeating: 0, count: width)
                        }
                    }
                    let upstream: UnsafePointer<Float>? =
                        l == layers - 1
                        ? gOut.map { UnsafePointer($0.pointer) }
                        : UnsafePointer(gUp[l]!.pointer)
                    if l < layers - 1, let up = gUp[l]?.pointer {
                        // Every step of the layer above is done (the barrier after its step 0).
                        let packed = PackedMatrix(weightsIH[l + 1].pointer + u0, k: g4, n: width, transposed: false, ld: hs)
                        packed.multiply(dGates[l + 1].pointer, m: rows, lda: g4, into: up + u0, ldc: hs, accumulate: false)
                        if let mask = masks[l] {
                            for r in 0..<rows {
                                let at = r * hs + u0
                                Kernels.zip(up + at, mask + at, up + at, width, Fn.Mul())
                            }
                        }
                    }
                    let packHH = PackedMatrix(weightsHH[l].pointer + u0, k: g4, n: width, transposed: false, ld: hs)
                    let (actsL, cellsL, tanhL, c0L) = (acts[l].pointer, cells[l].pointer, tanhCells[l].pointer, c0[l].pointer)
                    for t in stride(from: steps - 1, through: 0, by: -1) {
                        let cPrev = t == 0 ? UnsafePointer(c0L) : UnsafePointer(cellsL + (t - 1) * stepState)
                        RowLoop.lstmStepBackward(
                            acts: actsL + t * stepGates, units: units,
                            tanhCell: tanhL + t * stepState, previousCell: cPrev,
                            upstream: upstream.map { $0 + t * stepState }, dh: dhL, dc: dcL,
                            dGates: dgL + t * stepGates, batch: batch, hidden: hs)
                        barrier.wait(size: size)
                        if t > 0 || h0[l].requiresGrad {
                            packHH.multiply(dgL + t * stepGates, m: batch, lda: g4, into: dhL + u0, ldc: hs, accumulate: false)
                        }
                    }
                }
                // Every layer's gate gradients are complete: the barrier after layer 0's step 0.
                if let dx {
                    let inF = inWidth[0]
                    let columns = Parallel.range(of: member, chunks: size, count: inF)
                    let packed = PackedMatrix(
                        weightsIH[0].pointer + columns.lowerBound, k: g4, n: columns.count,
                        transposed: false, ld: inF)
                    packed.multiply(
                        dGates[0].pointer, m: rows, lda: g4, into: dx.pointer + columns.lowerBound, ldc: inF,
                        accumulate: false)
                }
                // Weight and bias gradients: whole products (the same calls whatever the team size),
                // dealt out to the members in turn.
                for job in 0..<(3 * layers) where job % size == member {
                    let l = job / 3
                    let dgL = dGates[l].pointer
                    switch job % 3 {
                    case 0:
                        if let gw = gWIH[l] {
                            BLAS.sgemmAsConfigured(
                                transA: true, transB: false, m: g4, n: inWidth[l], k: rows,
                                dgL, inputs[l], beta: 0, gw.pointer)
                        }
                    case 1:
                        if let gw = gWHH[l] {
                            BLAS.sgemmAsConfigured(
                                transA: true, transB: false, m: g4, n: hs, k: batch,
                                dgL, h0[l].pointer, beta: 0, gw.pointer)
                            if steps > 1 {
                                BLAS.sgemmAsConfigured(
                                    transA: true, transB: false, m: g4, n: hs, k: (steps - 1) * batch,
                                    dgL + stepGates, outs[l].pointer, beta: 1, gw.pointer)
                            }
                        }
                    default:
                        if let gb = gB[l]?.pointer {
                            for row in 0..<rows { Kernels.add(gb, dgL + row * g4, gb, g4) }
                        }
                    }
                }
            }
            let gBIH = (0..<layers).map { l in biasesIH[l].requiresGrad ? gB[l] : nil }
            let gBHH = (0..<layers).map { l in biasesHH[l].requiresGrad ? gB[l].map { $0.copy() } : nil }
            let gH0 = (0..<layers).map { l in h0[l].requiresGrad ? dh[l] : nil }
            let gC0 = (0..<layers).map { l in c0[l].requiresGrad ? dc[l] : nil }
            return [dx] + gWIH + gWHH + gBIH + gBHH + gH0 + gC0
        }

        let allInputs = [x] + weightsIH + weightsHH + biasesIH + biasesHH + h0 + c0
        let top = layers - 1
        let output = Tensor.result("lstm_stack", shape: [steps, batch, hs], storage: outs[top], inputs: allInputs) { g in
            backward(g, nil, nil)
        }
        let finalH = (0..<layers).map { l in
            let s = TensorStorage(uninitializedCount: stepState)
            s.pointer.update(from: outs[l].pointer + (steps - 1) * stepState, count: stepState)
            return Tensor.result("lstm_stack_h", shape: [batch, hs], storage: s, inputs: allInputs) { g in
                backward(nil, (l, g), nil)
            }
        }
        let finalC = (0..<layers).map { l in
            let s = TensorStorage(uninitializedCount: stepState)
            s.pointer.update(from: cells[l].pointer + (steps - 1) * stepState, count: stepState)
            return Tensor.result("lstm_stack_c", shape: [batch, hs], storage: s, inputs: allInputs) { g in
                backward(nil, nil, (l, g))
            }
        }
        return (output, finalH, finalC)
    }
}
