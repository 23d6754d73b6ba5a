import Foundation
import Tensor
import Testing

/// `linear` and `linearCrossEntropy` with `Tensor.matrixPrecision` = bfloat16: forward and both
/// gradients are the bfloat16 products of the portable reference, bit for bit (the Float32 ones
/// where the kernels are not available, PERPLEX_NO_BF16=1 among them).
@Suite struct BF16LinearTests {
    static func random(_ shape: [Int], seed: UInt64, requiresGrad: Bool = false) -> Tensor {
        let t = Tensor.uniform(shape, low: -1, high: 1, generator: RandomGenerator(seed: seed))
        t.requiresGrad = requiresGrad
        return t
    }

    /// y, dx, dw of y = x·Wᵀ + b with upstream gradient r, at the given precision.
    static func linearRun(_ precision: MatrixPrecision, rows: Int, inF: Int, outF: Int) -> ([Float], [Float], [Float]) {
        let x = random([rows, inF], seed: 1, requiresGrad: true)
        let w = random([outF, inF], seed: 2, requiresGrad: true)
        let b = random([outF], seed: 3)
        let r = random([rows, outF], seed: 4)
        let y = Tensor.$matrixPrecision.withValue(precision) {
            let y = Tensor.linear(x, weight: w, bias: b)
            (y * r).sum().backward()
            return y
        }
        return (y.scalars, x.grad!.scalars, w.grad!.scalars)
    }

    @Test(arguments: [(7, 9, 17), (70, 31, 300), (130, 200, 40)])
    func linearMatchesReferenceProducts(shape: (rows: Int, inF: Int, outF: Int)) {
        let (rows, inF, outF) = shape
        let (y, dx, dw) = Self.linearRun(.bfloat16, rows: rows, inF: inF, outF: outF)
        guard BF16Kernels.isAvailable else {
            let (fy, fdx, fdw) = Self.linearRun(.float32, rows: rows, inF: inF, outF: outF)
            #expect(y == fy && dx == fdx && dw == fdw)
            return
        }
        let x = Self.random([rows, inF], seed: 1).scalars
        let w = Self.random([outF, inF], seed: 2).scalars
        let b = Self.random([outF], seed: 3).scalars
        let r = Self.random([rows, outF], seed: 4).scalars
        var ey = (0..<rows).flatMap { _ in b }
        BF16GEMM.gemm(
            transA: false, transB: true, m: rows, n: outF, k: inF, x, w, into: &ey, accumulate: true, path: .reference)
        var edx = [Float](repeating: 0, count: rows * inF)
        BF16GEMM.gemm(transA: false, transB: false, m: rows, n: inF, k: outF, r, w, into: &edx, path: .reference)
        var edw = [Float](repeating: 0, count: outF * inF)
        BF16GEMM.gemm(transA: true, transB: false, m: outF, n: inF, k: rows, r, x, into: &edw, path: .reference)
        #expect(y.map(\.bitPattern) == ey.map(\.bitPattern))
        #expect(dx.map(\.bitPattern) == edx.map(\.bitPattern))
        #expect(dw.map(\.bitPattern) == edw.map(\.bitPattern))
    }

    /// The decoder's fused loss in bfloat16 stays within 1 % of Float32 (8-bit significands on
    /// 64-term sums of unit-scale values), gradients within 2 % of their largest entry; also with
    /// an odd row count over two blocks, ignored rows and an upstream gradient other than 1 (the
    /// bfloat16 operands of the gradient are written during the forward pass).
    @Test(arguments: [(50, false, 1), (77, true, 2.5)])
    func linearCrossEntropyStaysClose(rows: Int, ignoring: Bool, upstream: Float) {
        let (inF, classes) = (64, 300)
        func run(_ precision: MatrixPrecision) -> (Float, [Float], [Float]) {
            let x = Self.random([rows, inF], seed: 11, requiresGrad: true)
            let w = Self.random([classes, inF], seed: 12, requiresGrad: true)
            let b = Self.random([classes], seed: 13, requiresGrad: true)
            let targets = (0..<rows).map { ignoring && $0 % 5 == 0 ? -1 : ($0 * 37) % classes }
            let loss = Tensor.$matrixPrecision.withValue(precision) {
                let loss = Tensor.linearCrossEntropy(
                    x, weight: w, bias: b, targets: targets, ignoreIndex: ignoring ? -1 : nil)
                (loss * upstream).backward()
                return loss
            }
            return (loss.scalars[0], x.grad!.scalars, w.grad!.scalars)
        }
        let (l16, dx16, dw16) = run(.bfloat16)
        let (l32, dx32, dw32) = run(.float32)
        #expect(abs(l16 - l32) <= 0.01 * abs(l32))
        for (a, b) in [(dx16, dx32), (dw16, dw32)] {
            let scale = b.map(abs).max()!
            #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 0.02 * scale })
        }
    }
}

/// Evaluation's decoder scoring (`PackedLinear`, weight packed once per pass) in bfloat16 scores
/// the logits `linear` computes in bfloat16: the same products bit for bit, so the totals agree
/// up to the order the exponentials are summed in.
@Suite struct BF16ScoringTests {
    @Test(arguments: [(37, 64, 1000), (5, 33, 17)])
    func scoringMatchesTheLinearLogits(shape: (rows: Int, inF: Int, classes: Int)) {
        let (rows, inF, classes) = shape
        let x = BF16LinearTests.random([rows, inF], seed: 21)
        let w = BF16LinearTests.random([classes, inF], seed: 22)
        let b = BF16LinearTests.random([classes], seed: 23)
        let targets = (0..<rows).map { ($0 * 7919) % classes }
        func totals(_ precision: MatrixPrecision) -> (packed: (loss: Double, hits: Int, count: Int), logits: Double) {
            precision.apply {
                let packed = PackedLinear(weight: w, bias: b).crossEntropyTotals(x, targets: targets)
                let logits = Tensor.linear(x, weight: w, bias: b)
                return (packed, Tensor.crossEntropyTotals(logits: logits, targets: targets).loss)
            }
        }
        let bf16 = totals(.bfloat16)
        let fp32 = totals(.float32)
        #expect(bf16.packed.count == rows)
        #expect(abs(bf16.packed.loss - bf16.logits) <= 1e-4 * abs(bf16.logits))
        if BF16Kernels.isAvailable {
            #expect(bf16.packed.loss != fp32.packed.loss, "the bfloat16 products did not run")
            #expect(abs(bf16.packed.loss - fp32.packed.loss) <= 0.01 * abs(fp32.packed.loss))
        } else {
            #expect(bf16.packed.loss == fp32.packed.loss)
        }
    }
}
