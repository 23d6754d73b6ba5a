import NN
import Tensor
import Testing

/// BatchNorm, LayerNorm and Dropout2d against PyTorch fixtures (scripts/fixtures/norm.py) and GradCheck.
@Suite struct NormTests {
    /// Training mode: output and gradients from batch statistics, then the running statistics
    /// PyTorch left after the same forward (momentum 0.1, unbiased variance, count + 1).
    func checkTraining(_ name: String, _ layer: BatchNorm, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let f = try Fixture(name)
        try f.checkLayer(layer, inputs: [try f("input")], sourceLocation: sourceLocation) { [layer($0[0])] }
        for (key, buffer) in [
            ("running_mean", layer.runningMean), ("running_var", layer.runningVar),
            ("num_batches_tracked", layer.numBatchesTracked)
        ] {
            let error = Fixture.worstError(buffer, try f("after." + key))
            #expect(error <= 1e-6, "\(name) \(key): max error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func batchNorm1dOnFeaturesInTrainingMatchesPyTorch() throws {
        try checkTraining("batchnorm1d_train_2d", BatchNorm1d(4))
    }

    @Test func batchNorm1dOnSequencesInTrainingMatchesPyTorch() throws {
        try checkTraining("batchnorm1d_train_3d", BatchNorm1d(3))
    }

    @Test func batchNorm2dInTrainingMatchesPyTorch() throws {
        try checkTraining("batchnorm2d_train", BatchNorm2d(3))
    }

    /// Evaluation mode normalises with the running statistics and leaves them untouched.
    @Test func batchNormInEvaluationUsesRunningStatistics() throws {
        for (name, layer) in [("batchnorm1d_eval", BatchNorm1d(3) as BatchNorm), ("batchnorm2d_eval", BatchNorm2d(3))] {
            let f = try Fixture(name)
            layer.eval()
            try f.checkLayer(layer, inputs: [try f("input")]) { [layer($0[0])] }
            #expect(layer.runningMean.scalars == (try f("param.running_mean")).scalars)
            #expect(layer.numBatchesTracked.item == (try f("param.num_batches_tracked")).item)
        }
    }

    @Test func batchNormStateDictNamesFollowPyTorch() {
        #expect(
            BatchNorm2d(4).namedTensors().map(\.0) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"])
        #expect(BatchNorm1d(4).namedParameters().map(\.0) == ["weight", "bias"])
        #expect(BatchNorm1d(4, affine: false).namedTensors().map(\.0) == ["running_mean", "running_var", "num_batches_tracked"])
    }

    @Test func layerNormMatchesPyTorch() throws {
        let f = try Fixture("layernorm")
        let layer = LayerNorm(6)
        try f.checkLayer(layer, inputs: [try f("input")]) { [layer($0[0])] }
    }

    @Test func layerNormOverTwoAxesMatchesPyTorch() throws {
        let f = try Fixture("layernorm_2axes")
        let layer = LayerNorm([4, 5])
        try f.checkLayer(layer, inputs: [try f("input")]) { [layer($0[0])] }
    }

    @Test func layerNormWithoutAffineMatchesPyTorch() throws {
        let f = try Fixture("layernorm_noaffine")
        let layer = LayerNorm(5, elementwiseAffine: false)
        #expect(layer.namedTensors().isEmpty)
        try f.checkLayer(layer, inputs: [try f("input")]) { [layer($0[0])] }
    }

    @Test func gradcheckBatchNormInBothModes() {
        let rng = RandomGenerator(seed: 11)
        let bn2 = BatchNorm2d(3)
        for c in 0..<3 { bn2.weight!.pointer[c] = 0.5 + rng.nextFloat() }
        let x2 = Tensor.normal([2, 3, 2, 3], generator: rng)
        let train = GradCheck.check([x2, bn2.weight!, bn2.bias!]) { _ in bn2(x2) }
        #expect(train.passed, "BatchNorm2d train: \(train)")
        let bn1 = BatchNorm1d(4)
        let x1 = Tensor.normal([5, 4], generator: rng)
        let r1 = GradCheck.check([x1, bn1.weight!, bn1.bias!]) { _ in bn1(x1) }
        #expect(r1.passed, "BatchNorm1d train: \(r1)")
        bn1.eval()
        let r1e = GradCheck.check([x1, bn1.weight!, bn1.bias!]) { _ in bn1(x1) }
        #expect(r1e.passed, "BatchNorm1d eval: \(r1e)")
    }

    @Test func gradcheckLayerNorm() {
        let rng = RandomGenerator(seed: 12)
        let layer = LayerNorm([3, 4])
        for i in 0..<12 { layer.weight!.pointer[i] = 0.5 + rng.nextFloat() }
        let x = Tensor.normal([2, 3, 4], generator: rng)
        let r = GradCheck.check([x, layer.weight!, layer.bias!]) { _ in layer(x) }
        #expect(r.passed, "\(r)")
    }

    /// Whole channels are zeroed or kept and scaled by 1/(1-p); evaluation is the identity.
    @Test func dropout2dDropsWholeChannels() {
        let layer = Dropout2d(0.5, generator: RandomGenerator(seed: 2))
        for shape in [[4, 8, 3, 5], [4, 8, 6]] {
            let y = layer(Tensor.ones(shape))
            let spatial = shape.dropFirst(2).reduce(1, *)
            var dropped = 0
            for channel in 0..<(shape[0] * shape[1]) {
                let values = Set(y.scalars[channel * spatial..<(channel + 1) * spatial])
                #expect(values == [0] || values == [2], "channel \(channel) holds \(values)")
                if values == [0] { dropped += 1 }
            }
            #expect(dropped > 0 && dropped < shape[0] * shape[1])
        }
        layer.eval()
        let x = Tensor.ones([2, 3, 4, 4])
        #expect(layer(x) === x)
    }

    @Test func gradcheckDropout2d() {
        let generator = RandomGenerator(seed: 4)
        let layer = Dropout2d(0.3, generator: generator)
        let x = Tensor.normal([3, 4, 2, 2], generator: RandomGenerator(seed: 5))
        // Same mask on every evaluation, so the function being differentiated stays fixed.
        let r = GradCheck.check([x]) { inputs in
            generator.seed(6)
            return layer(inputs[0])
        }
        #expect(r.passed, "\(r)")
    }
}
