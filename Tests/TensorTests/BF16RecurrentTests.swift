import Foundation
import Tensor
import Testing

/// The fused recurrent ops (`lstmStack`, `lstmSequence`, `gruSequence`) with
/// `Tensor.matrixPrecision` = bfloat16, against a straightforward composition written here: the
/// same products as sgemm-style `BF16GEMM` calls on the portable reference (sums starting from the
/// bias or the input projection), the gate math step by step in Float32 with the kernels'
/// formulas (`VectorMath`'s sigmoid and tanh, the same fused multiply-adds). Forward values and
/// gradients agree bit for bit. Where the bfloat16 kernels are not available (a CPU without
/// AVX-512 BF16, or PERPLEX_NO_BF16=1) the products stay Float32, and the ops' results are the
/// Float32 ones, bit for bit.
@Suite struct BF16RecurrentTests {
    // MARK: The composition

    static func sigmoid(_ v: Float) -> Float { VectorMath.sigmoid(VectorMath.Vector(repeating: v))[0] }
    static func tanh(_ v: Float) -> Float { VectorMath.tanh(VectorMath.Vector(repeating: v))[0] }

    /// C [m, n] (+)= op(A)·op(B) on the portable reference (`BF16GEMM.gemm`'s operands).
    static func product(
        _ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transA: Bool = false, transB: Bool = false,
        into c: [Float]? = nil
    ) -> [Float] {
        var out = c ?? [Float](repeating: 0, count: m * n)
        BF16GEMM.gemm(
            transA: transA, transB: transB, m: m, n: n, k: k, a, b, into: &out, accumulate: c != nil,
            path: .reference)
        return out
    }

    /// What the forward pass of one LSTM layer keeps, each [steps·batch, ·].
    struct LSTMLayer {
        var acts: [Float]  // σ(i), σ(f), tanh(g), σ(o)
        var cells: [Float]
        var tanhCells: [Float]
        var out: [Float]
    }

    /// One LSTM layer from its pre-activations without the recurrent part, pre [steps·batch, 4·hs]:
    /// per step, pre_t plus h_{t-1}·W_hhᵀ (the sum starting from pre_t), then the gate math.
    static func lstmForward(pre: [Float], whh: [Float], h0: [Float], c0: [Float], steps: Int, batch: Int, hs: Int)
        -> LSTMLayer
    {
        let g4 = 4 * hs
        var layer = LSTMLayer(
            acts: [Float](repeating: 0, count: steps * batch * g4), cells: [], tanhCells: [], out: [])
        var (h, c) = (h0, c0)
        for t in 0..<steps {
            let p = product(
                h, whh, m: batch, n: g4, k: hs, transB: true, into: Array(pre[(t * batch * g4)..<((t + 1) * batch * g4)]))
            for r in 0..<batch {
                for u in 0..<hs {
                    let q = r * g4 + u
                    let (i, f) = (sigmoid(p[q]), sigmoid(p[q + hs]))
                    let (g, o) = (tanh(p[q + 2 * hs]), sigmoid(p[q + 3 * hs]))
                    let cv = (i * g).addingProduct(f, c[r * hs + u])
                    let tcv = tanh(cv)
                    for (gate, v) in [i, f, g, o].enumerated() { layer.acts[t * batch * g4 + q + gate * hs] = v }
                    c[r * hs + u] = cv
                    h[r * hs + u] = o * tcv
                    layer.tanhCells.append(tcv)
                }
            }
            layer.cells += c
            layer.out += h
        }
        return layer
    }

    /// Back-propagation through one LSTM layer from the gradient of its outputs `upstream`
    /// [steps·batch, hs]: the pre-activation gradients dG [steps·batch, 4·hs] and dh0, dc0, with
    /// dh_{t-1} = dG_t·W_hh (in bfloat16, from zero).
    static func lstmBackward(
        _ layer: LSTMLayer, upstream: [Float], whh: [Float], c0: [Float], steps: Int, batch: Int, hs: Int
    ) -> (dGates: [Float], dh0: [Float], dc0: [Float]) {
        let g4 = 4 * hs
        var dGates = [Float](repeating: 0, count: steps * batch * g4)
        var dh = [Float](repeating: 0, count: batch * hs)
        var dc = [Float](repeating: 0, count: batch * hs)
        for t in stride(from: steps - 1, through: 0, by: -1) {
            for r in 0..<batch {
                for u in 0..<hs {
                    let s = r * hs + u
                    let a = t * batch * g4 + r * g4 + u
                    let (i, f, g, o) = (layer.acts[a], layer.acts[a + hs], layer.acts[a + 2 * hs], layer.acts[a + 3 * hs])
                    let tcv = layer.tanhCells[t * batch * hs + s]
                    let cPrev = t == 0 ? c0[s] : layer.cells[(t - 1) * batch * hs + s]
                    let dhv = dh[s] + upstream[t * batch * hs + s]
                    let dcv = dc[s] + dhv * o * (1 - tcv * tcv)
                    dGates[a] = dcv * g * i * (1 - i)
                    dGates[a + hs] = dcv * cPrev * f * (1 - f)
                    dGates[a + 2 * hs] = dcv * i * (1 - g * g)
                    dGates[a + 3 * hs] = dhv * tcv * o * (1 - o)
                    dc[s] = dcv * f
                }
            }
            dh = product(Array(dGates[(t * batch * g4)..<((t + 1) * batch * g4)]), whh, m: batch, n: hs, k: g4)
        }
        return (dGates, dh, dc)
    }

    /// [h0; the outputs of every step but the last]: h_{t-1} of every step, [steps·batch, hs].
    static func previousStates(_ h0: [Float], _ out: [Float], batch: Int, hs: Int) -> [Float] {
        h0 + out.prefix(out.count - batch * hs)
    }

    static func random(_ shape: [Int], _ rng: RandomGenerator, std: Float = 1) -> Tensor {
        let t = Tensor.normal(shape, std: std, generator: rng)
        t.requiresGrad = true
        return t
    }

    static func bits(_ v: [Float]) -> [UInt32] { v.map(\.bitPattern) }

    // MARK: lstmStack

    /// x, then per layer W_ih, W_hh, b_ih, b_hh, h0, c0 (PyTorch's shapes), and the dropout masks.
    static func stackArguments(layers: Int, hidden hs: Int, input: Int, steps: Int, batch: Int)
        -> (x: Tensor, layers: [[Tensor]], masks: [Tensor])
    {
        let rng = RandomGenerator(seed: 21)
        let x = random([steps, batch, input], rng)
        let params = (0..<layers).map { l in
            [
                random([4 * hs, l == 0 ? input : hs], rng, std: 0.5), random([4 * hs, hs], rng, std: 0.5),
                random([4 * hs], rng), random([4 * hs], rng), random([batch, hs], rng), random([batch, hs], rng)
            ]
        }
        let masks = (0..<(layers - 1)).map { _ in
            Tensor(shape: [steps, batch, hs], (0..<(steps * batch * hs)).map { _ in rng.nextFloat() < 0.7 ? 1 / 0.7 : 0 })
        }
        return (x, params, masks)
    }

    /// The op's output, final h and c of each layer, and every gradient of Σ output ⊙ weights.
    static func runStack(
        _ x: Tensor, _ p: [[Tensor]], masks: [Tensor], weights: Tensor, precision: MatrixPrecision, parallel: Bool
    ) -> (values: [[Float]], grads: [[Float]]) {
        let all = [x] + p.flatMap { $0 }
        for t in all {
            t.grad = nil
        }
        let (out, h, c) = Tensor.$matrixPrecision.withValue(precision) {
            let result = Tensor.lstmStack(
                x, weightsIH: p.map { $0[0] }, weightsHH: p.map { $0[1] }, biasesIH: p.map { $0[2] },
                biasesHH: p.map { $0[3] }, h0: p.map { $0[4] }, c0: p.map { $0[5] }, dropoutMasks: masks,
                parallel: parallel)
            (result.output * weights).sum().backward()
            return result
        }
        return ([out.scalars] + h.map(\.scalars) + c.map(\.scalars), all.map { $0.grad!.scalars })
    }

    /// The same from the composition: per layer the input product from the bias, the layer's
    /// steps, the mask; backward from the top, the gradient for the layer below dG·W_ih masked.
    static func composedStack(_ x: Tensor, _ p: [[Tensor]], masks: [Tensor], weights: Tensor)
        -> (values: [[Float]], grads: [[Float]])
    {
        let (steps, batch, hs) = (x.shape[0], x.shape[1], p[0][1].shape[1])
        let (layers, rows, g4) = (p.count, steps * batch, 4 * hs)
        var inputs = [x.scalars]
        var kept: [LSTMLayer] = []
        for l in 0..<layers {
            let (wih, whh) = (p[l][0].scalars, p[l][1].scalars)
            let bias = zip(p[l][2].scalars, p[l][3].scalars).map { $0 + $1 }
            let inF = wih.count / g4
            let pre = product(
                inputs[l], wih, m: rows, n: g4, k: inF, transB: true, into: (0..<rows).flatMap { _ in bias })
            let layer = lstmForward(
                pre: pre, whh: whh, h0: p[l][4].scalars, c0: p[l][5].scalars, steps: steps, batch: batch, hs: hs)
            kept.append(layer)
            if l + 1 < layers { inputs.append(zip(layer.out, masks[l].scalars).map { $0 * $1 }) }
        }
        let values =
            [kept[layers - 1].out] + kept.map { Array($0.out.suffix(batch * hs)) }
            + kept.map { Array($0.cells.suffix(batch * hs)) }
        var grads = [[Float]](repeating: [], count: 1 + 6 * layers)
        var upstream = weights.scalars
        for l in stride(from: layers - 1, through: 0, by: -1) {
            let (wih, whh, h0) = (p[l][0].scalars, p[l][1].scalars, p[l][4].scalars)
            let inF = wih.count / g4
            let (dG, dh0, dc0) = lstmBackward(
                kept[l], upstream: upstream, whh: whh, c0: p[l][5].scalars, steps: steps, batch: batch, hs: hs)
            let below = product(dG, wih, m: rows, n: inF, k: g4)
            upstream = l > 0 ? zip(below, masks[l - 1].scalars).map { $0 * $1 } : []
            if l == 0 { grads[0] = below }
            var gb = [Float](repeating: 0, count: g4)
            for r in 0..<rows {
                for j in 0..<g4 { gb[j] = gb[j] + dG[r * g4 + j] }
            }
            let previous = previousStates(h0, kept[l].out, batch: batch, hs: hs)
            grads[1 + 6 * l] = product(dG, inputs[l], m: g4, n: inF, k: rows, transA: true)
            grads[2 + 6 * l] = product(dG, previous, m: g4, n: hs, k: rows, transA: true)
            grads[3 + 6 * l] = gb
            grads[4 + 6 * l] = gb
            grads[5 + 6 * l] = dh0
            grads[6 + 6 * l] = dc0
        }
        return (values, grads)
    }

    /// Odd sizes: odd k (padded pairs), units split unevenly between two cores, panels off 16.
    @Test(arguments: [(2, 13, 9, 5, 3), (3, 24, 20, 4, 7)])
    func lstmStackMatchesTheComposition(shape: (layers: Int, hidden: Int, input: Int, steps: Int, batch: Int)) {
        let (x, p, masks) = Self.stackArguments(
            layers: shape.layers, hidden: shape.hidden, input: shape.input, steps: shape.steps, batch: shape.batch)
        let weights = Tensor.uniform(
            [shape.steps, shape.batch, shape.hidden], low: -1, high: 1, generator: RandomGenerator(seed: 4))
        let fused = Self.runStack(x, p, masks: masks, weights: weights, precision: .bfloat16, parallel: true)
        guard BF16Kernels.isAvailable else {
            let float32 = Self.runStack(x, p, masks: masks, weights: weights, precision: .float32, parallel: true)
            #expect(fused.values == float32.values && fused.grads == float32.grads)
            return
        }
        let composed = Self.composedStack(x, p, masks: masks, weights: weights)
        for (k, (a, b)) in zip(fused.values, composed.values).enumerated() { #expect(Self.bits(a) == Self.bits(b), "value \(k)") }
        for (k, (a, b)) in zip(fused.grads, composed.grads).enumerated() {
            #expect(Self.bits(a) == Self.bits(b), "gradient \(k)")
        }
    }

    /// One core or two: the same bits in bfloat16 too.
    @Test func lstmStackSplitMatchesSerial() {
        let (x, p, masks) = Self.stackArguments(layers: 2, hidden: 33, input: 17, steps: 6, batch: 5)
        let weights = Tensor.uniform([6, 5, 33], low: -1, high: 1, generator: RandomGenerator(seed: 8))
        let serial = Self.runStack(x, p, masks: masks, weights: weights, precision: .bfloat16, parallel: false)
        let split = Self.runStack(x, p, masks: masks, weights: weights, precision: .bfloat16, parallel: true)
        #expect(serial.values == split.values && serial.grads == split.grads)
    }

    /// Against Float32: the outputs (in (−1, 1)) within 0.03 and the gradients within 5 % of each
    /// tensor's largest entry. Each product's inputs carry a relative error of at most 2⁻⁹ each,
    /// so a pre-activation's error is at most about 2⁻⁸·Σ|w||x| (here ≈ 0.4·√k·2⁻⁸ ≈ 0.01 for
    /// k = 40) and the gates' slopes are at most 1; a check that the products are the ones meant
    /// (a wrong weight or a stale step is off by O(1)), not a proof.
    @Test func lstmStackStaysCloseToFloat32() {
        let (x, p, masks) = Self.stackArguments(layers: 2, hidden: 40, input: 40, steps: 6, batch: 4)
        let weights = Tensor.uniform([6, 4, 40], low: -1, high: 1, generator: RandomGenerator(seed: 9))
        let b16 = Self.runStack(x, p, masks: masks, weights: weights, precision: .bfloat16, parallel: true)
        let f32 = Self.runStack(x, p, masks: masks, weights: weights, precision: .float32, parallel: true)
        // Rounded products do change the values (else the bfloat16 path did not run).
        #expect((b16.values == f32.values) == !BF16Kernels.isAvailable)
        for (a, b) in zip(b16.values, f32.values) { #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 0.03 }) }
        for (k, (a, b)) in zip(b16.grads, f32.grads).enumerated() {
            let scale = b.map(abs).max()!
            #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 0.05 * scale }, "gradient \(k)")
        }
    }

    // MARK: lstmSequence

    @Test func lstmSequenceMatchesTheComposition() {
        let (steps, batch, hs) = (5, 3, 11)
        let rng = RandomGenerator(seed: 31)
        let (xp, w) = (Self.random([steps, batch, 4 * hs], rng), Self.random([4 * hs, hs], rng, std: 0.5))
        let (h0, c0) = (Self.random([batch, hs], rng), Self.random([batch, hs], rng))
        let weights = Tensor.uniform([steps, batch, hs], low: -1, high: 1, generator: RandomGenerator(seed: 5))
        func run(_ precision: MatrixPrecision) -> [[Float]] {
            for t in [xp, w, h0, c0] { t.grad = nil }
            let (out, cell) = Tensor.$matrixPrecision.withValue(precision) {
                let result = Tensor.lstmSequence(inputProjection: xp, weightHH: w, h0: h0, c0: c0)
                (result.output * weights).sum().backward()
                return result
            }
            return [out.scalars, cell.scalars] + [xp, w, h0, c0].map { $0.grad!.scalars }
        }
        let fused = run(.bfloat16)
        guard BF16Kernels.isAvailable else {
            #expect(fused == run(.float32))
            return
        }
        let layer = Self.lstmForward(
            pre: xp.scalars, whh: w.scalars, h0: h0.scalars, c0: c0.scalars, steps: steps, batch: batch, hs: hs)
        let (dG, dh0, dc0) = Self.lstmBackward(
            layer, upstream: weights.scalars, whh: w.scalars, c0: c0.scalars, steps: steps, batch: batch, hs: hs)
        let previous = Self.previousStates(h0.scalars, layer.out, batch: batch, hs: hs)
        let dw = Self.product(dG, previous, m: 4 * hs, n: hs, k: steps * batch, transA: true)
        let composed = [layer.out, Array(layer.cells.suffix(batch * hs)), dG, dw, dh0, dc0]
        for (k, (a, b)) in zip(fused, composed).enumerated() { #expect(Self.bits(a) == Self.bits(b), "result \(k)") }
    }

    // MARK: gruSequence

    @Test(arguments: [(5, 3, 11), (4, 20, 40)])
    func gruSequenceMatchesTheComposition(shape: (steps: Int, batch: Int, hidden: Int)) {
        let (steps, batch, hs) = shape
        let g3 = 3 * hs
        let rng = RandomGenerator(seed: 41)
        let (xp, w) = (Self.random([steps, batch, g3], rng), Self.random([g3, hs], rng, std: 0.5))
        let (b, h0) = (Self.random([g3], rng), Self.random([batch, hs], rng))
        let weights = Tensor.uniform([steps, batch, hs], low: -1, high: 1, generator: RandomGenerator(seed: 6))
        func run(_ precision: MatrixPrecision) -> [[Float]] {
            for t in [xp, w, b, h0] { t.grad = nil }
            let out = Tensor.$matrixPrecision.withValue(precision) {
                let out = Tensor.gruSequence(inputProjection: xp, weightHH: w, biasHH: b, h0: h0)
                (out * weights).sum().backward()
                return out
            }
            return [out.scalars] + [xp, w, b, h0].map { $0.grad!.scalars }
        }
        let fused = run(.bfloat16)
        guard BF16Kernels.isAvailable else {
            #expect(fused == run(.float32))
            return
        }
        // Forward: per step b_hh + h_{t-1}·W_hhᵀ (from the bias), then the gate math.
        let (x, wv, bv) = (xp.scalars, w.scalars, b.scalars)
        var acts = [Float](repeating: 0, count: steps * batch * g3)
        var hiddenN = [Float](repeating: 0, count: steps * batch * hs)
        var out: [Float] = []
        var h = h0.scalars
        for t in 0..<steps {
            let hp = Self.product(h, wv, m: batch, n: g3, k: hs, transB: true, into: (0..<batch).flatMap { _ in bv })
            var next = h
            for r in 0..<batch {
                for u in 0..<hs {
                    let (q, s) = (t * batch * g3 + r * g3 + u, r * hs + u)
                    let rv = Self.sigmoid(x[q] + hp[r * g3 + u])
                    let zv = Self.sigmoid(x[q + hs] + hp[r * g3 + u + hs])
                    let hnv = hp[r * g3 + u + 2 * hs]
                    let nv = Self.tanh(x[q + 2 * hs].addingProduct(rv, hnv))
                    (acts[q], acts[q + hs], acts[q + 2 * hs]) = (rv, zv, nv)
                    hiddenN[t * batch * hs + s] = hnv
                    next[s] = nv.addingProduct(zv, h[s] - nv)
                }
            }
            h = next
            out += h
        }
        // Backward: dh = dhv ⊙ z, then dh + dHidden_t·W_hh (from that Float32 part).
        var dx = [Float](repeating: 0, count: steps * batch * g3)
        var dHidden = [Float](repeating: 0, count: steps * batch * g3)
        var dh = [Float](repeating: 0, count: batch * hs)
        let gy = weights.scalars
        for t in stride(from: steps - 1, through: 0, by: -1) {
            var dhNext = dh
            for r in 0..<batch {
                for u in 0..<hs {
                    let (q, s) = (t * batch * g3 + r * g3 + u, r * hs + u)
                    let (rv, zv, nv) = (acts[q], acts[q + hs], acts[q + 2 * hs])
                    let hPrev = t == 0 ? h0.scalars[s] : out[(t - 1) * batch * hs + s]
                    let dhv = dh[s] + gy[t * batch * hs + s]
                    let dnPre = dhv * (1 - zv) * (1 - nv * nv)
                    let dzPre = dhv * (hPrev - nv) * zv * (1 - zv)
                    let drPre = dnPre * hiddenN[t * batch * hs + s] * rv * (1 - rv)
                    (dx[q], dx[q + hs], dx[q + 2 * hs]) = (drPre, dzPre, dnPre)
                    (dHidden[q], dHidden[q + hs], dHidden[q + 2 * hs]) = (drPre, dzPre, dnPre * rv)
                    dhNext[s] = dhv * zv
                }
            }
            dh = Self.product(
                Array(dHidden[(t * batch * g3)..<((t + 1) * batch * g3)]), wv, m: batch, n: hs, k: g3, into: dhNext)
        }
        let previous = Self.previousStates(h0.scalars, out, batch: batch, hs: hs)
        let dw = Self.product(dHidden, previous, m: g3, n: hs, k: steps * batch, transA: true)
        let db = Tensor(shape: [steps * batch, g3], dHidden).sum(axis: 0).scalars
        let composed = [out, dx, dw, db, dh]
        for (k, (a, b)) in zip(fused, composed).enumerated() { #expect(Self.bits(a) == Self.bits(b), "result \(k)") }
    }
}
