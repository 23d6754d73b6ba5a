import Formats
import Foundation
import NN
import Tensor
import Testing

/// A model shaped like the word-LM recipe's, to pin down state-dict naming.
final class TinyModel: Module {
    let encoder = Embedding(10, 4)
    let layers = [Linear(4, 4), Linear(4, 4, bias: false)]
    let decoder = Linear(4, 10)
    let drop = Dropout(0.2)
    let runningMean = Tensor.zeros([4])
}

@Suite struct ModuleTests {
    /// As in PyTorch, a module's own tensors come before its children's.
    @Test func stateDictNamesFollowProperties() {
        let model = TinyModel()
        #expect(
            model.namedTensors().map(\.0) == [
                "runningMean", "encoder.weight", "layers.0.weight", "layers.0.bias", "layers.1.weight",
                "decoder.weight", "decoder.bias"
            ])
        #expect(model.namedParameters().count == 6)
        #expect(model.parameterCount == 40 + 20 + 16 + 40 + 10)
    }

    /// Freezing stops training, not being a parameter: counts and names stay, buffers stay buffers.
    @Test func frozenParametersStayParametersButStopTraining() {
        let model = TinyModel()
        model.encoder.freeze()
        #expect(
            model.namedParameters().map(\.0) == [
                "encoder.weight", "layers.0.weight", "layers.0.bias", "layers.1.weight",
                "decoder.weight", "decoder.bias"
            ])
        #expect(model.parameterCount == 40 + 20 + 16 + 40 + 10)
        #expect(model.trainableParameters().count == 5 && !model.encoder.weight.requiresGrad)
        #expect(!model.namedParameters().contains { $0.0 == "runningMean" })
        model.unfreeze()
        #expect(model.trainableParameters().count == 6 && model.encoder.weight.requiresGrad)
        #expect(!model.runningMean.requiresGrad)
    }

    @Test func tiedWeightsAreOneParameterButTwoStateDictNames() {
        final class Tied: Module {
            let encoder = Embedding(5, 3)
            lazy var decoder = Linear(weight: encoder.weight, bias: Tensor.zeros([5], requiresGrad: true))
        }
        let model = Tied()
        _ = model.decoder
        #expect(model.namedTensors().map(\.0) == ["encoder.weight", "decoder.weight", "decoder.bias"])
        #expect(model.namedParameters().map(\.0) == ["encoder.weight", "decoder.bias"])
    }

    @Test func trainAndEvalReachEverySubmodule() {
        let model = TinyModel()
        model.eval()
        #expect(!model.drop.isTraining && !model.layers[1].isTraining)
        model.train()
        #expect(model.drop.isTraining)
    }

    @Test func loadStateDictChecksNamesAndShapes() throws {
        let source = TinyModel()
        let target = TinyModel()
        try target.loadStateDict(Dictionary(uniqueKeysWithValues: source.stateDict()))
        #expect(target.decoder.weight.scalars == source.decoder.weight.scalars)

        var state = Dictionary(uniqueKeysWithValues: source.stateDict())
        state["decoder.weight"] = Tensor.zeros([3, 3])
        #expect(throws: StateDictError.shapeMismatch("decoder.weight", expected: [10, 4], found: [3, 3])) {
            try target.loadStateDict(state)
        }
        state["decoder.weight"] = nil
        #expect(throws: StateDictError.missing("decoder.weight")) { try target.loadStateDict(state) }
        #expect(throws: Never.self) { try target.loadStateDict(state, strict: false) }
        state = Dictionary(uniqueKeysWithValues: source.stateDict())
        state["extra"] = Tensor.zeros([1])
        #expect(throws: StateDictError.unexpected("extra")) { try target.loadStateDict(state) }
    }

    @Test func safetensorsRoundTrip() throws {
        let model = TinyModel()
        let file = SafeTensors(tensors: model.stateDict().map { (name: $0.0, tensor: $0.1) }, metadata: ["vocab": "a b \"c\""])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("perplex-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try file.write(to: url)
        let back = try SafeTensors.read(contentsOf: url)
        #expect(back.metadata == ["vocab": "a b \"c\""])
        #expect(back.tensors.map(\.name) == file.tensors.map(\.name))
        for (a, b) in zip(back.tensors, file.tensors) {
            #expect(a.tensor.scalars == b.tensor.scalars && a.tensor.shape == b.tensor.shape)
        }
        let data = try Data(contentsOf: url)
        #expect((Int(data[0]) | Int(data[1]) << 8) % 8 == 0, "header padded to 8 bytes")
    }
}
