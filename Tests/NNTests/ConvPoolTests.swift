import NN
import Tensor
import Testing

/// Conv and pooling layers against PyTorch fixtures (scripts/fixtures/conv.py) and GradCheck.
@Suite struct ConvPoolTests {
    /// The seed homework case: a 5×5 input convolved with one 3×3 kernel (no padding) gives a 3×3
    /// map, and its gradient with respect to the input matches PyTorch's.
    @Test func seedCase5x5InputWith3x3KernelGives3x3AndPyTorchInputGradient() throws {
        let f = try Fixture("conv2d_seed_5x5_3x3")
        let conv = Conv2d(1, 1, kernelSize: 3)
        let x = try f("input")
        #expect(x.shape == [1, 1, 5, 5])
        try f.checkLayer(conv, inputs: [x]) { inputs in
            let y = conv(inputs[0])
            #expect(y.shape == [1, 1, 3, 3])
            return [y]
        }
        #expect(x.grad?.shape == [1, 1, 5, 5])
        #expect(Fixture.worstError(x.grad ?? Tensor.zeros([1]), try f("grad.input")) <= 1e-5)
    }

    @Test func conv2dMatchesPyTorch() throws {
        let f = try Fixture("conv2d")
        let conv = Conv2d(3, 4, kernelSize: 3)
        try f.checkLayer(conv, inputs: [try f("input")]) { [conv($0[0])] }
    }

    @Test func conv2dWithStrideAndPaddingMatchesPyTorch() throws {
        let f = try Fixture("conv2d_stride_pad")
        let conv = Conv2d(2, 3, kernelSize: (3, 2), stride: (2, 1), padding: (1, 2))
        try f.checkLayer(conv, inputs: [try f("input")]) { [conv($0[0])] }
    }

    @Test func conv2dWithoutBiasMatchesPyTorch() throws {
        let f = try Fixture("conv2d_nobias_stride2")
        let conv = Conv2d(2, 2, kernelSize: 2, stride: 2, bias: false)
        #expect(conv.namedParameters().map(\.0) == ["weight"])
        try f.checkLayer(conv, inputs: [try f("input")]) { [conv($0[0])] }
    }

    @Test func conv1dMatchesPyTorch() throws {
        let f = try Fixture("conv1d")
        let conv = Conv1d(3, 4, kernelSize: 3)
        try f.checkLayer(conv, inputs: [try f("input")]) { [conv($0[0])] }
    }

    @Test func conv1dWithStrideAndPaddingMatchesPyTorch() throws {
        let f = try Fixture("conv1d_stride_pad")
        let conv = Conv1d(2, 3, kernelSize: 4, stride: 2, padding: 2)
        try f.checkLayer(conv, inputs: [try f("input")]) { [conv($0[0])] }
    }

    /// PyTorch's default: weight and bias U(±1/√fan_in) with fan_in = in·k (in·kh·kw for 2-D).
    @Test func convDefaultInitIsBoundedByFanIn() {
        let rng = RandomGenerator(seed: 5)
        let conv2 = Conv2d(3, 8, kernelSize: (2, 4), generator: rng)
        let conv1 = Conv1d(6, 8, kernelSize: 5, generator: rng)
        for (tensors, bound) in [
            ([conv2.weight, conv2.bias!], 1 / Float(24).squareRoot()),
            ([conv1.weight, conv1.bias!], 1 / Float(30).squareRoot())
        ] {
            let values = tensors.flatMap(\.scalars)
            #expect(values.allSatisfy { abs($0) <= bound })
            // Uniform over the whole range, not a narrower one.
            #expect((values.map { abs($0) }.max() ?? 0) > 0.8 * bound)
        }
        #expect(conv2.weight.shape == [8, 3, 2, 4] && conv1.weight.shape == [8, 6, 5])
        #expect(conv2.namedParameters().map(\.0) == ["weight", "bias"])
    }

    /// (fixture, layer) pairs for the parameter-free pooling layers.
    static let poolCases: [(String, () -> (Tensor) -> Tensor)] = [
        ("maxpool2d", { MaxPool2d(2).callAsFunction }),
        ("maxpool2d_stride_pad", { MaxPool2d((3, 2), stride: (2, 1), padding: (1, 1)).callAsFunction }),
        ("maxpool1d", { MaxPool1d(2).callAsFunction }),
        ("maxpool1d_stride_pad", { MaxPool1d(3, stride: 2, padding: 1).callAsFunction }),
        ("avgpool2d", { AvgPool2d(2).callAsFunction }),
        ("avgpool2d_stride_pad", { AvgPool2d(3, stride: 2, padding: 1).callAsFunction }),
        ("avgpool1d", { AvgPool1d(3).callAsFunction }),
        ("avgpool1d_stride_pad", { AvgPool1d(3, stride: 2, padding: 1).callAsFunction }),
        ("lppool2d", { LPPool2d(2, 2).callAsFunction }),
        ("lppool2d_p3_stride", { LPPool2d(3, (3, 2), stride: (2, 1)).callAsFunction }),
        ("lppool1d", { LPPool1d(2, 3, stride: 2).callAsFunction })
    ]

    @Test(arguments: poolCases.map(\.0))
    func poolingMatchesPyTorch(_ name: String) throws {
        let f = try Fixture(name)
        let layer = try #require(Self.poolCases.first { $0.0 == name }).1()
        try f.checkLayer(Module(), inputs: [try f("input")]) { [layer($0[0])] }
    }

    @Test func gradcheckConvLayers() {
        let rng = RandomGenerator(seed: 8)
        let conv2 = Conv2d(2, 3, kernelSize: (2, 3), stride: (1, 2), padding: (1, 1), generator: rng)
        let x2 = Tensor.normal([2, 2, 5, 4], generator: rng)
        let r2 = GradCheck.check([x2, conv2.weight, conv2.bias!]) { _ in conv2(x2) }
        #expect(r2.passed, "\(r2)")
        let conv1 = Conv1d(3, 2, kernelSize: 3, stride: 2, padding: 1, generator: rng)
        let x1 = Tensor.normal([2, 3, 8], generator: rng)
        let r1 = GradCheck.check([x1, conv1.weight, conv1.bias!]) { _ in conv1(x1) }
        #expect(r1.passed, "\(r1)")
    }

    @Test func gradcheckPoolingLayers() {
        var rng = RandomGenerator(seed: 9)
        // Spaced values so a probe of ±1e-2 cannot change a window's maximum.
        var order = Array(0..<60)
        order.shuffle(using: &rng)
        let spaced = Tensor(shape: [1, 3, 4, 5], order.map { Float($0) * 0.1 })
        let layers: [(Tensor) -> Tensor] = [
            MaxPool2d(2, stride: 1, padding: 1).callAsFunction, MaxPool1d(3, stride: 2, padding: 1).callAsFunction,
            AvgPool2d(3, stride: 2, padding: 1).callAsFunction, AvgPool1d(2).callAsFunction,
            LPPool2d(2, 2, stride: 1).callAsFunction
        ]
        for (i, layer) in layers.enumerated() {
            let x = i % 2 == 0 ? spaced.copy() : spaced.reshaped([3, 4, 5]).copy()
            let r = GradCheck.check([x]) { layer($0[0]) }
            #expect(r.passed, "layer \(i): \(r)")
        }
        let positive = Tensor.uniform([2, 3, 9], low: 0.3, high: 2, generator: rng)
        let lp = LPPool1d(3, 3, stride: 2)
        let r = GradCheck.check([positive]) { lp($0[0]) }
        #expect(r.passed, "LPPool1d: \(r)")
    }
}
