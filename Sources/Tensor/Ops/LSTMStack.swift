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
    /// Under `Tensor.matrixPrecision` = bfloat16 (read when called; the backward runs as the
    /// forward did) every product takes bfloat16 inputs and adds in Float32: the input products
    /// (each sum starting from the bias), the per-step h_{t-1}·W_hhᵀ (starting from the input
    /// product) and, in the backward, the per-step dG_t·W_hh, the gradients for the layer below
    /// and for x, and dW_ih, dW_hh (each one product over every step). The weights are packed
    /// once per call (forward) and once per backward; h_t, its masked copy and dG_t are rounded
    /// as they are produced, each core its own units. Cell state, gate math and sums stay Float32.
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
        // What only the backward reads (the activations and tanh of the cells) is kept only when
        // a graph is recorded: an evaluation pass neither allocates nor writes it.
        let recording =
            GradMode.isEnabled
            && ([x] + weightsIH + weightsHH + biasesIH + biasesHH + h0 + c0).contains { $0.requiresGrad }
        let kept = { (count: Int) in TensorStorage(uninitializedCount: recording ? count : 1) }
        let acts = (0..<layers).map { _ in kept(steps * stepGates) }
        let cells = (0..<layers).map { _ in TensorStorage(uninitializedCount: steps * stepState) }
        let tanhCells = (0..<layers).map { _ in kept(steps * stepState) }
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
        let bf16 = productsInBF16
        // An evaluation pass's weights packed on its first window, reused by the others.
        let frozen = FrozenWeights.current
        // The products' left operands in bfloat16 (nil in Float32): x, h0, each layer's outputs
        // (the next step's h_{t-1}, and the input of the layer above when no mask sits between),
        // the masked outputs; the steps fill them as they produce the values.
        let rounded: (inputs: [BF16RowBuffer?], outs: [BF16RowBuffer?], h0: [BF16RowBuffer?]) = {
            let none = [BF16RowBuffer?](repeating: nil, count: layers)
            guard bf16 else { return (none, none, none) }
            let xRounded = BF16RowBuffer(rows: rows, k: inWidth[0])
            xRounded.convert(x.pointer, ld: inWidth[0], rows: 0..<rows, columns: 0..<inWidth[0])
            let outs = (0..<layers).map { _ in BF16RowBuffer(rows: rows, k: hs) }
            let inputs: [BF16RowBuffer?] = (0..<layers).map { l in
                l == 0 ? xRounded : dropped[l] != nil ? BF16RowBuffer(rows: rows, k: hs) : outs[l - 1]
            }
            let h0Rounded: [BF16RowBuffer?] = (0..<layers).map { l in
                let b = BF16RowBuffer(rows: batch, k: hs)
                b.convert(h0[l].pointer, ld: hs, rows: 0..<batch, columns: 0..<hs)
                return b
            }
            return (inputs, outs, h0Rounded)
        }()

        ThreadPool.shared.runTeam(maxSize: teamSize) { member, size in
            let units = RowLoop.units(of: member, in: size, count: hs)
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
                let packIH = frozen.recurrentWeight(weightsIH[l], use: "lstmStack", part: member, of: size, bf16: bf16) {
                    RecurrentWeight(k: inF, n: gates, bf16: bf16) { j in UnsafePointer(wih + weightRow(j) * inF) }
                }
                let packHH = frozen.recurrentWeight(weightsHH[l], use: "lstmStack", part: member, of: size, bf16: bf16) {
                    RecurrentWeight(k: hs, n: gates, bf16: bf16) { j in UnsafePointer(whh + weightRow(j) * hs) }
                }
                let (bih, bhh) = (biasesIH[l].pointer, biasesHH[l].pointer)
                for j in 0..<gates { bias.pointer[j] = bih[weightRow(j)] + bhh[weightRow(j)] }
                // The layer below finished every step before the barrier that ended its last step.
                packIH.multiply(
                    inputs[l], lda: inF, rounded: rounded.inputs[l]?.pointer, m: rows, into: pre.pointer,
                    accumulate: false, bias: bias.pointer)
                let (actsL, cellsL, tanhL, outL) = (acts[l].pointer, cells[l].pointer, tanhCells[l].pointer, outs[l].pointer)
                let mask = masks[l]
                let next = l + 1 < layers ? dropped[l + 1]?.pointer : nil
                let (outRounded, nextRounded) = (rounded.outs[l], l + 1 < layers && next != nil ? rounded.inputs[l + 1] : nil)
                for t in 0..<steps {
                    let p = pre.pointer + t * batch * gates
                    let a = recording ? actsL + t * stepGates : nil
                    let hPrev = t == 0 ? UnsafePointer(h0[l].pointer) : UnsafePointer(outL + (t - 1) * stepState)
                    let cPrev = t == 0 ? UnsafePointer(c0[l].pointer) : UnsafePointer(cellsL + (t - 1) * stepState)
                    let hPrevRounded = t == 0 ? rounded.h0[l]?.pointer : outRounded?.row((t - 1) * batch)
                    packHH.multiply(hPrev, lda: hs, rounded: hPrevRounded, m: batch, into: p, ldc: gates, accumulate: true)
                    let (c, tc, h) = (cellsL + t * stepState, recording ? tanhL + t * stepState : nil, outL + t * stepState)
                    RowLoop.forEach(rows: batch, width: width) { r, j, n in
                        let pa = p + r * gates + j
                        let s = r * hs + u0 + j
                        let i = VectorMath.sigmoid(RowLoop.load(pa, n))
                        let f = VectorMath.sigmoid(RowLoop.load(pa + width, n))
                        let g = VectorMath.tanh(RowLoop.load(pa + 2 * width, n))
                        let o = VectorMath.sigmoid(RowLoop.load(pa + 3 * width, n))
                        let cv = (i * g).addingProduct(f, RowLoop.load(cPrev + s, n))
                        let tcv = VectorMath.tanh(cv)
                        let hv = o * tcv
                        if let a, let tc {
                            let ga = a + r * g4 + u0 + j
                            RowLoop.store(i, ga, n)
                            RowLoop.store(f, ga + hs, n)
                            RowLoop.store(g, ga + 2 * hs, n)
                            RowLoop.store(o, ga + 3 * hs, n)
                            RowLoop.store(tcv, tc + s, n)
                        }
                        RowLoop.store(cv, c + s, n)
                        RowLoop.store(hv, h + s, n)
                        if let mask, let next {
                            let at = t * stepState + s
                            RowLoop.store(hv * RowLoop.load(mask + at, n), next + at, n)
                        }
                    }
                    // This core's units of h_t (and of its masked copy) in bfloat16, for the next
                    // step's product and the layer above.
                    let stepRows = (t * batch)..<((t + 1) * batch)
                    outRounded?.convert(outL, ld: hs, rows: stepRows, columns: units)
                    if let nextRounded, let next { nextRounded.convert(next, ld: hs, rows: stepRows, columns: units) }
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
            // In bfloat16: each layer's gate gradients rounded, [rows, 4·hidden] (each core its
            // units' columns as a step produces them) for the products with the weights, and
            // transposed, [4·hidden, rows] (each core its share of the gates after the last step)
            // for the weight gradients.
            let dGatesRounded = (0..<layers).map { _ in bf16 ? BF16RowBuffer(rows: rows, k: g4) : nil }
            let dGatesTransposed = (0..<layers).map { l in
                bf16 && (gWIH[l] != nil || gWHH[l] != nil) ? BF16RowBuffer(rows: g4, k: rows) : nil
            }
            // `inputs` and `masks` point into these: keep them alive until every product has run.
            defer { withExtendedLifetime((dropped, x, dropoutMasks)) {} }
            BLAS.setThreads(1)
            ThreadPool.shared.runTeam(maxSize: teamSize) { member, size in
                let units = RowLoop.units(of: member, in: size, count: hs)
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
                        let packed = RecurrentWeight(
                            weightsIH[l + 1].pointer + u0, k: g4, n: width, transposed: false, ld: hs, bf16: bf16)
                        packed.multiply(
                            dGates[l + 1].pointer, lda: g4, rounded: dGatesRounded[l + 1]?.pointer, m: rows,
                            into: up + u0, ldc: hs, accumulate: false)
                        if let mask = masks[l] {
                            for r in 0..<rows {
                                let at = r * hs + u0
                                Kernels.zip(up + at, mask + at, up + at, width, Fn.Mul())
                            }
                        }
                    }
                    let packHH = RecurrentWeight(
                        weightsHH[l].pointer + u0, k: g4, n: width, transposed: false, ld: hs, bf16: bf16)
                    let dgRounded = dGatesRounded[l]
                    let (actsL, cellsL, tanhL, c0L) = (acts[l].pointer, cells[l].pointer, tanhCells[l].pointer, c0[l].pointer)
                    for t in stride(from: steps - 1, through: 0, by: -1) {
                        let cPrev = t == 0 ? UnsafePointer(c0L) : UnsafePointer(cellsL + (t - 1) * stepState)
                        RowLoop.lstmStepBackward(
                            acts: actsL + t * stepGates, units: units,
                            tanhCell: tanhL + t * stepState, previousCell: cPrev,
                            upstream: upstream.map { $0 + t * stepState }, dh: dhL, dc: dcL,
                            dGates: dgL + t * stepGates, batch: batch, hidden: hs)
                        let stepRows = (t * batch)..<((t + 1) * batch)
                        for gate in 0..<4 {
                            dgRounded?.convert(dgL, ld: g4, rows: stepRows, columns: (gate * hs + u0)..<(gate * hs + u0 + width))
                        }
                        barrier.wait(size: size)
                        if t > 0 || h0[l].requiresGrad {
                            packHH.multiply(
                                dgL + t * stepGates, lda: g4, rounded: dgRounded?.row(t * batch), m: batch,
                                into: dhL + u0, ldc: hs, accumulate: false)
                        }
                    }
                }
                // Every layer's gate gradients are complete: the barrier after layer 0's step 0.
                if let dx {
                    let inF = inWidth[0]
                    let columns = Parallel.range(of: member, chunks: size, count: inF)
                    let packed = RecurrentWeight(
                        weightsIH[0].pointer + columns.lowerBound, k: g4, n: columns.count,
                        transposed: false, ld: inF, bf16: bf16)
                    packed.multiply(
                        dGates[0].pointer, lda: g4, rounded: dGatesRounded[0]?.pointer, m: rows,
                        into: dx.pointer + columns.lowerBound, ldc: inF, accumulate: false)
                }
                if bf16 {
                    // dGᵀ of every layer, each core its share of the gates; both cores' shares are
                    // read by the weight gradients below.
                    let share = Parallel.range(of: member, chunks: size, count: g4)
                    for l in 0..<layers { dGatesTransposed[l]?.packTransposed(dGates[l].pointer, ld: g4, rows: share) }
                    barrier.wait(size: size)
                }
                // Weight and bias gradients: whole products (the same calls whatever the team size),
                // dealt out to the members in turn.
                for job in 0..<(3 * layers) where job % size == member {
                    let l = job / 3
                    let dgL = dGates[l].pointer
                    switch job % 3 {
                    case 0:
                        if let gw = gWIH[l], let dgT = dGatesTransposed[l] {
                            BF16Panels(inputs[l], k: rows, n: inWidth[l])
                                .multiply(rows: dgT.pointer, m: g4, into: gw.pointer, accumulate: false)
                        } else if let gw = gWIH[l] {
                            BLAS.sgemmAsConfigured(
                                transA: true, transB: false, m: g4, n: inWidth[l], k: rows,
                                dgL, inputs[l], beta: 0, gw.pointer)
                        }
                    case 1:
                        if let gw = gWHH[l], let dgT = dGatesTransposed[l] {
                            // h_{t-1} of every step: h0, then the outputs of every step but the last.
                            let (first, states) = (h0[l].pointer, outs[l].pointer)
                            BF16Panels(
                                k: rows, n: hs,
                                row: { i in UnsafePointer(i < batch ? first + i * hs : states + (i - batch) * hs) }
                            )
                            .multiply(rows: dgT.pointer, m: g4, into: gw.pointer, accumulate: false)
                        } else if let gw = gWHH[l] {
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
