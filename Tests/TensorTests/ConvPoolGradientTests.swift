import Tensor
import Testing

/// Convolution and pooling ops: gradients against central differences, values against direct loops.
@Suite struct ConvPoolGradientTests {
    let rng = RandomGenerator(seed: 17)

    func randn(_ shape: [Int]) -> Tensor { Tensor.normal(shape, generator: rng) }

    /// Distinct values at least 0.1 apart in random order, so a ±1e-2 probe never changes which
    /// element of a window is the maximum.
    func wellSeparated(_ shape: [Int]) -> Tensor {
        let n = Shape.count(shape)
        var values = (0..<n).map { Float($0) * 0.1 - Float(n) * 0.05 }
        var generator = rng
        values.shuffle(using: &generator)
        return Tensor(shape: shape, values)
    }

    func expectGrad(_ inputs: [Tensor], _ f: ([Tensor]) -> Tensor, sourceLocation: SourceLocation = #_sourceLocation) {
        let result = GradCheck.check(inputs, f)
        #expect(result.passed, "\(result)", sourceLocation: sourceLocation)
    }

    /// Stride and padding pairs (height, width) covering asymmetric and over-kernel strides.
    static let geometries: [((Int, Int), (Int, Int))] = [
        ((1, 1), (0, 0)), ((2, 1), (1, 2)), ((1, 3), (2, 0)), ((2, 2), (1, 1))
    ]

    @Test(arguments: geometries)
    func conv2dGradients(_ geometry: ((Int, Int), (Int, Int))) {
        let (stride, padding) = geometry
        expectGrad([randn([2, 3, 5, 6]), randn([4, 3, 3, 2]), randn([4])]) {
            Tensor.conv2d($0[0], weight: $0[1], bias: $0[2], stride: stride, padding: padding)
        }
        expectGrad([randn([1, 2, 4, 4]), randn([3, 2, 2, 3])]) {
            Tensor.conv2d($0[0], weight: $0[1], stride: stride, padding: padding)
        }
    }

    @Test(arguments: [(1, 0), (2, 1), (3, 2)])
    func conv1dGradients(_ geometry: (Int, Int)) {
        let (stride, padding) = geometry
        expectGrad([randn([2, 3, 9]), randn([4, 3, 3]), randn([4])]) {
            Tensor.conv1d($0[0], weight: $0[1], bias: $0[2], stride: stride, padding: padding)
        }
    }

    /// Σ over the window of x·w, read straight from the definition.
    func directConv2d(_ x: Tensor, _ w: Tensor, _ b: Tensor, stride: (Int, Int), padding: (Int, Int)) -> [Float] {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let oh = (h + 2 * padding.0 - kh) / stride.0 + 1
        let ow = (wd + 2 * padding.1 - kw) / stride.1 + 1
        var out: [Float] = []
        for bi in 0..<n {
            for f in 0..<o {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var total = b[f]
                        for ch in 0..<c {
                            for i in 0..<kh {
                                for j in 0..<kw {
                                    let (iy, ix) = (oy * stride.0 - padding.0 + i, ox * stride.1 - padding.1 + j)
                                    if iy >= 0 && iy < h && ix >= 0 && ix < wd { total += x[bi, ch, iy, ix] * w[f, ch, i, j] }
                                }
                            }
                        }
                        out.append(total)
                    }
                }
            }
        }
        return out
    }

    @Test(arguments: geometries)
    func conv2dMatchesDirectSum(_ geometry: ((Int, Int), (Int, Int))) {
        let (stride, padding) = geometry
        let (x, w, b) = (randn([3, 2, 7, 5]), randn([3, 2, 3, 2]), randn([3]))
        let y = Tensor.conv2d(x, weight: w, bias: b, stride: stride, padding: padding)
        let reference = directConv2d(x, w, b, stride: stride, padding: padding)
        #expect(y.count == reference.count)
        let worst = zip(y.scalars, reference).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-5, "conv2d differs from the direct sum by \(worst)")
    }

    @Test func conv1dIsConv2dOfHeightOne() {
        let (x, w, b) = (randn([2, 3, 11]), randn([5, 3, 4]), randn([5]))
        let y1 = Tensor.conv1d(x, weight: w, bias: b, stride: 2, padding: 1)
        let y2 = Tensor.conv2d(
            x.reshaped([2, 3, 1, 11]), weight: w.reshaped([5, 3, 1, 4]), bias: b,
            stride: (1, 2), padding: (0, 1))
        #expect(y1.shape == [2, 5, 5])
        #expect(y1.scalars == y2.scalars)
    }

    @Test func outputShapesFollowPyTorch() {
        let x = randn([1, 1, 7, 6])
        #expect(Tensor.conv2d(x, weight: randn([2, 1, 3, 3]), stride: (2, 2), padding: (1, 1)).shape == [1, 2, 4, 3])
        #expect(x.maxPool2d(kernelSize: (2, 2)).shape == [1, 1, 3, 3])
        #expect(x.avgPool2d(kernelSize: (3, 3), stride: (2, 1), padding: (1, 1)).shape == [1, 1, 4, 6])
        #expect(randn([2, 3, 10]).maxPool1d(kernelSize: 3, stride: 2, padding: 1).shape == [2, 3, 5])
        #expect(randn([3, 10]).avgPool1d(kernelSize: 4).shape == [3, 2])
    }

    @Test(arguments: geometries.filter { $0.1.0 <= 1 && $0.1.1 <= 1 })
    func maxPool2dGradients(_ geometry: ((Int, Int), (Int, Int))) {
        let (stride, padding) = geometry
        expectGrad([wellSeparated([2, 2, 6, 5])]) { $0[0].maxPool2d(kernelSize: (3, 2), stride: stride, padding: padding) }
    }

    @Test func maxPool1dGradients() {
        expectGrad([wellSeparated([2, 3, 10])]) { $0[0].maxPool1d(kernelSize: 3, stride: 2, padding: 1) }
        expectGrad([wellSeparated([2, 3, 9])]) { $0[0].maxPool1d(kernelSize: 2) }
    }

    /// On ties the whole gradient goes to the first maximal element of each window, as in PyTorch.
    @Test func maxPoolGradientGoesToFirstMaximum() {
        let x = Tensor(
            shape: [1, 1, 2, 4],
            [
                1, 3, 3, 0,
                3, 2, 3, 3
            ], requiresGrad: true)
        let y = x.maxPool2d(kernelSize: (2, 2))
        #expect(y.scalars == [3, 3])
        y.sum().backward()
        #expect(
            x.grad?.scalars == [
                0, 1, 1, 0,
                0, 0, 0, 0
            ])
        // Overlapping windows add their gradients on a shared maximum.
        let z = Tensor(shape: [1, 4], [0, 5, 1, 2], requiresGrad: true)
        z.maxPool1d(kernelSize: 2, stride: 1).sum().backward()
        #expect(z.grad?.scalars == [0, 2, 0, 1])
    }

    @Test(arguments: geometries.filter { $0.1.0 <= 1 && $0.1.1 <= 1 })
    func avgPool2dGradients(_ geometry: ((Int, Int), (Int, Int))) {
        let (stride, padding) = geometry
        expectGrad([randn([2, 2, 6, 5])]) { $0[0].avgPool2d(kernelSize: (3, 2), stride: stride, padding: padding) }
    }

    @Test func avgPool1dGradientsAndPaddingCountsInTheAverage() {
        expectGrad([randn([2, 3, 10])]) { $0[0].avgPool1d(kernelSize: 3, stride: 2, padding: 1) }
        // count_include_pad: the first window [pad, 3, 6] averages to 9 / 3.
        let y = Tensor(shape: [1, 3], [3, 6, 9]).avgPool1d(kernelSize: 3, stride: 2, padding: 1)
        #expect(y.scalars == [3, 5])
    }

    @Test func lpPoolGradients() {
        let positive = { (shape: [Int]) in Tensor.uniform(shape, low: 0.3, high: 2, generator: self.rng) }
        expectGrad([randn([2, 2, 6, 5])]) { $0[0].lpPool2d(p: 2, kernelSize: (2, 2)) }
        expectGrad([positive([1, 2, 7, 6])]) { $0[0].lpPool2d(p: 3, kernelSize: (3, 2), stride: (2, 1)) }
        expectGrad([positive([2, 3, 9])]) { $0[0].lpPool1d(p: 1.5, kernelSize: 3, stride: 2) }
    }

    /// p = 1 on positive values is a plain window sum; p = 2 the Euclidean norm of the window.
    @Test func lpPoolIsThePowerAverageOfTheWindow() {
        let x = Tensor(shape: [1, 4], [3, 4, 1, 2])
        #expect(x.lpPool1d(p: 1, kernelSize: 2).scalars == [7, 3])
        let norms = Tensor(shape: [1, 4], [3, 4, 0, 5]).lpPool1d(p: 2, kernelSize: 2).scalars
        #expect(abs(norms[0] - 5) < 1e-5 && abs(norms[1] - 5) < 1e-5)
    }
}
