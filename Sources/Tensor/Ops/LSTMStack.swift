import Foundation
import Synchronization

/// A step counter one layer publishes and the next layer waits on.
final class StepCounter: @unchecked Sendable {
    let value = Atomic<Int>(0)

    @inline(__always)
    func wait(untilAtLeast n: Int) {
        var spins = 0
        while value.load(ordering: .acquiring) < n {
            spins += 1
            // Yield rather than burn the core: on a shared machine the other layer's thread may be
            // waiting for exactly this one.
            if spins > 64 { _ = sched_yield() }
        }
    }

    @inline(__always)
    func publish(_ n: Int) { value.store(n, ordering: .releasing) }
}

/// Runs `body(chunk)` for chunks 0..<count, in parallel through the persistent pool when `parallel`.
/// Chunk c may wait only on chunks below c: the pool hands chunks out in increasing order, so a
/// waited-on chunk has always been started (or finished) by another thread — no deadlock, and the
/// results do not depend on which thread ran what.
func runWavefront(_ count: Int, parallel: Bool, _ body: (Int) -> Void) {
    if parallel { ThreadPool.shared.run(chunks: count, body) } else { for c in 0..<count { body(c) } }
}

extension Tensor {
    /// A whole multi-layer LSTM, fused: per step and layer one packed product for the input
    /// (x_t, or the dropped-out output of the layer below) and one for h_{t-1}, then the gate math.
    /// With more than one thread allowed the layers run as a wavefront — layer l at step t beside
    /// layer l - 1 at step t + 1 — each on its own core with single-threaded products, forward and
    /// backward (whose weight gradients are batched products per layer, overlapping the layer
    /// below). On one thread each layer runs after the one below, and its input products for all
    /// steps are one product. Every value is computed by the same code from the same inputs, in the
    /// same order, whatever the timing.
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
        precondition(layers > 0 && [weightsHH.count, biasesIH.count, biasesHH.count, h0.count, c0.count]
            .allSatisfy { $0 == layers }, "lstmStack: per-layer argument counts differ")
        precondition(x.rank == 3 && x.shape[0] > 0, "lstmStack: input \(x.shape) is not [seqLen > 0, batch, features]")
        let (steps, batch) = (x.shape[0], x.shape[1])
        let hs = weightsHH[0].shape[1], g4 = 4 * hs
        for l in 0..<layers {
            let inF = l == 0 ? x.shape[2] : hs
            precondition(weightsIH[l].shape == [g4, inF] && weightsHH[l].shape == [g4, hs]
                && biasesIH[l].shape == [g4] && biasesHH[l].shape == [g4]
                && h0[l].shape == [batch, hs] && c0[l].shape == [batch, hs],
                "lstmStack: layer \(l) shapes do not match input \(x.shape), hidden \(hs)")
        }
        precondition(dropoutMasks.isEmpty || dropoutMasks.count == layers - 1, "lstmStack: \(dropoutMasks.count) masks")
        let masks: [UnsafePointer<Float>?] = (0..<layers).map { l in
            l < dropoutMasks.count ? dropoutMasks[l].map { m in
                precondition(m.shape == [steps, batch, hs], "lstmStack: mask \(m.shape)")
                return UnsafePointer(m.pointer)
            } : nil
        }
        let parallel = (parallel ?? (BLAS.maxThreads > 1)) && layers > 1 && ThreadPool.shared.workerCount > 0

        let (stepGates, stepState) = (batch * g4, batch * hs)
        let acts = (0..<layers).map { _ in TensorStorage(uninitializedCount: steps * stepGates) }
        let cells = (0..<layers).map { _ in TensorStorage(uninitializedCount: steps * stepState) }
        let tanhCells = (0..<layers).map { _ in TensorStorage(uninitializedCount: steps * stepState) }
        let outs = (0..<layers).map { _ in TensorStorage(uninitializedCount: steps * stepState) }
        // The input each layer read: x for layer 0, the (dropped-out) output below for the others.
        let dropped = (0..<layers).map { l in l > 0 && masks[l - 1] != nil ? TensorStorage(uninitializedCount: steps * stepState) : nil }
        let inputs: [UnsafePointer<Float>] = (0..<layers).map { l in
            UnsafePointer(l == 0 ? x.pointer : (dropped[l]?.pointer ?? outs[l - 1].pointer))
        }
        let inWidth = (0..<layers).map { l in l == 0 ? x.shape[2] : hs }
        let progress = (0..<layers).map { _ in StepCounter() }

        runWavefront(layers, parallel: parallel) { l in
            let packIH = PackedMatrix(weightsIH[l].pointer, k: inWidth[l], n: g4, transposed: true)
            let packHH = PackedMatrix(weightsHH[l].pointer, k: hs, n: g4, transposed: true)
            let (bih, bhh) = (biasesIH[l].pointer, biasesHH[l].pointer)
            let (actsL, cellsL, tanhL, outL) = (acts[l].pointer, cells[l].pointer, tanhCells[l].pointer, outs[l].pointer)
            let (h0L, c0L) = (h0[l].pointer, c0[l].pointer)
            // Step t's gate rows start as b_ih + b_hh, and layer l's input at step t is made
            // (the output below times its dropout mask).
            func prepare(_ t: Int) {
                let a = actsL + t * stepGates
                for r in 0..<batch {
                    let row = a + r * g4
                    var j = 0
                    while j < g4 {
                        let n = Swift.min(8, g4 - j)
                        RowLoop.store(RowLoop.load(bih + j, n) + RowLoop.load(bhh + j, n), row + j, n)
                        j += 8
                    }
                }
                if l > 0 {
                    progress[l - 1].wait(untilAtLeast: t + 1)
                    if let mask = masks[l - 1], let d = dropped[l]?.pointer {
                        let src = outs[l - 1].pointer + t * stepState, m = mask + t * stepState, dst = d + t * stepState
                        var i = 0
                        while i < stepState {
                            let n = Swift.min(8, stepState - i)
                            RowLoop.store(RowLoop.load(src + i, n) * RowLoop.load(m + i, n), dst + i, n)
                            i += 8
                        }
                    }
                }
            }
            // Run serially, a layer starts after the one below has finished: its input products
            // for all steps are then one product (the weight read once, not once per step), with
            // every value summed as the per-step products would.
            if !parallel {
                for t in 0..<steps { prepare(t) }
                packIH.multiplyParallel(inputs[l], m: steps * batch, lda: inWidth[l], into: actsL, accumulate: true)
            }
            for t in 0..<steps {
                let a = actsL + t * stepGates
                if parallel {
                    prepare(t)
                    packIH.multiply(inputs[l] + t * batch * inWidth[l], m: batch, lda: inWidth[l], into: a, accumulate: true)
                }
                let hPrev = t == 0 ? UnsafePointer(h0L) : UnsafePointer(outL + (t - 1) * stepState)
                let cPrev = t == 0 ? UnsafePointer(c0L) : UnsafePointer(cellsL + (t - 1) * stepState)
                packHH.multiply(hPrev, m: batch, lda: hs, into: a, accumulate: true)
                let (c, tc, h) = (cellsL + t * stepState, tanhL + t * stepState, outL + t * stepState)
                RowLoop.forEach(rows: batch, width: hs) { r, j, n in
                    let ga = a + r * g4 + j, s = r * hs + j
                    let i = VectorMath.sigmoid(RowLoop.load(ga, n)), f = VectorMath.sigmoid(RowLoop.load(ga + hs, n))
                    let g = VectorMath.tanh(RowLoop.load(ga + 2 * hs, n)), o = VectorMath.sigmoid(RowLoop.load(ga + 3 * hs, n))
                    let cv = (i * g).addingProduct(f, RowLoop.load(cPrev + s, n))
                    let tcv = VectorMath.tanh(cv)
                    RowLoop.store(i, ga, n); RowLoop.store(f, ga + hs, n)
                    RowLoop.store(g, ga + 2 * hs, n); RowLoop.store(o, ga + 3 * hs, n)
                    RowLoop.store(cv, c + s, n); RowLoop.store(tcv, tc + s, n); RowLoop.store(o * tcv, h + s, n)
                }
                progress[l].publish(t + 1)
            }
        }

        /// Gradients of every input from the upstream gradients of the output, the final h of
        /// `hLayer` and the final c of `cLayer` (at most one of the three is given).
        func backward(_ gOut: Tensor?, _ gH: (Int, Tensor)?, _ gC: (Int, Tensor)?) -> [Tensor?] {
            let dGates = (0..<layers).map { _ in Tensor(uninitializedShape: [steps, batch, g4]) }
            // gUp[l]: gradient reaching layer l's outputs from the layer above (after its dropout mask).
            let gUp = (0..<layers).map { l in l < layers - 1 ? TensorStorage(uninitializedCount: steps * stepState) : nil }
            let dx = x.requiresGrad ? Tensor(uninitializedShape: x.shape) : nil
            var gWIH = [Tensor?](repeating: nil, count: layers), gWHH = gWIH, gB = gWIH
            var gH0 = gWIH, gC0 = gWIH
            let back = (0..<layers).map { _ in StepCounter() }
            // `inputs` and `masks` point into these: keep them alive until every product has run.
            defer { withExtendedLifetime((dropped, x, dropoutMasks)) {} }
            BLAS.setThreads(1)
            gWIH.withUnsafeMutableBufferPointer { gWIH in
            gWHH.withUnsafeMutableBufferPointer { gWHH in
            gB.withUnsafeMutableBufferPointer { gB in
            gH0.withUnsafeMutableBufferPointer { gH0 in
            gC0.withUnsafeMutableBufferPointer { gC0 in
            runWavefront(layers, parallel: parallel) { chunk in
                let l = layers - 1 - chunk
                let packHH = PackedMatrix(weightsHH[l].pointer, k: g4, n: hs, transposed: false)
                let needInputGrad = l > 0 || dx != nil
                let packIH = needInputGrad ? PackedMatrix(weightsIH[l].pointer, k: g4, n: inWidth[l], transposed: false) : nil
                let dh = Tensor.zeros([batch, hs])
                if let (layer, g) = gH, layer == l { dh.pointer.update(from: g.pointer, count: stepState) }
                let dc = Tensor.zeros([batch, hs])
                if let (layer, g) = gC, layer == l { dc.pointer.update(from: g.pointer, count: stepState) }
                let upstream: UnsafePointer<Float>? = l == layers - 1 ? gOut.map { UnsafePointer($0.pointer) }
                                                                        : UnsafePointer(gUp[l]!.pointer)
                let (actsL, cellsL, tanhL) = (acts[l].pointer, cells[l].pointer, tanhCells[l].pointer)
                let (c0L, dgL) = (c0[l].pointer, dGates[l].pointer)
                for t in stride(from: steps - 1, through: 0, by: -1) {
                    if l < layers - 1 { back[l + 1].wait(untilAtLeast: steps - t) }
                    let a = actsL + t * stepGates, dg = dgL + t * stepGates
                    let tc = tanhL + t * stepState
                    let cPrev = t == 0 ? UnsafePointer(c0L) : UnsafePointer(cellsL + (t - 1) * stepState)
                    let gy = upstream.map { $0 + t * stepState }
                    RowLoop.lstmStepBackward(acts: a, tanhCell: tc, previousCell: cPrev, upstream: gy, dh: dh.pointer,
                                             dc: dc.pointer, dGates: dg, batch: batch, hidden: hs)
                    if t > 0 || h0[l].requiresGrad {
                        packHH.multiply(dg, m: batch, lda: g4, into: dh.pointer, accumulate: false)
                    }
                    if l > 0 {
                        let dst = gUp[l - 1]!.pointer + t * stepState
                        packIH!.multiply(dg, m: batch, lda: g4, into: dst, accumulate: false)
                        if let mask = masks[l - 1] {
                            let m = mask + t * stepState
                            var i = 0
                            while i < stepState {
                                let n = Swift.min(8, stepState - i)
                                RowLoop.store(RowLoop.load(dst + i, n) * RowLoop.load(m + i, n), dst + i, n)
                                i += 8
                            }
                        }
                    } else if let dx {
                        packIH!.multiply(dg, m: batch, lda: g4, into: dx.pointer + t * batch * inWidth[0], accumulate: false)
                    }
                    back[l].publish(steps - t)
                }
                // This layer's weight gradients: batched products, beside the layers below still running.
                if weightsIH[l].requiresGrad {
                    let gw = Tensor(uninitializedShape: [g4, inWidth[l]])
                    BLAS.sgemmAsConfigured(transA: true, transB: false, m: g4, n: inWidth[l], k: steps * batch,
                                           dgL, inputs[l], beta: 0, gw.pointer)
                    gWIH[l] = gw
                }
                if weightsHH[l].requiresGrad {
                    let gw = Tensor(uninitializedShape: [g4, hs])
                    BLAS.sgemmAsConfigured(transA: true, transB: false, m: g4, n: hs, k: batch,
                                           dgL, h0[l].pointer, beta: 0, gw.pointer)
                    if steps > 1 {
                        BLAS.sgemmAsConfigured(transA: true, transB: false, m: g4, n: hs, k: (steps - 1) * batch,
                                               dgL + stepGates, outs[l].pointer, beta: 1, gw.pointer)
                    }
                    gWHH[l] = gw
                }
                if biasesIH[l].requiresGrad || biasesHH[l].requiresGrad {
                    let gb = Tensor.zeros([g4])
                    for row in 0..<(steps * batch) {
                        let src = dgL + row * g4
                        var j = 0
                        while j < g4 {
                            let n = Swift.min(8, g4 - j)
                            RowLoop.store(RowLoop.load(gb.pointer + j, n) + RowLoop.load(src + j, n), gb.pointer + j, n)
                            j += 8
                        }
                    }
                    gB[l] = gb
                }
                if h0[l].requiresGrad { gH0[l] = dh }
                if c0[l].requiresGrad { gC0[l] = dc }
            }
            }}}}}
            let gBIH = (0..<layers).map { l in biasesIH[l].requiresGrad ? gB[l] : nil }
            let gBHH = (0..<layers).map { l in biasesHH[l].requiresGrad ? gB[l].map { $0.copy() } : nil }
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
