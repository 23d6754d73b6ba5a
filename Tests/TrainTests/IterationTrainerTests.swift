import Foundation
import Models
import NN
import Tensor
import Testing
import Text
import Train

/// nanoGPT's training loop: its schedule, its batches, its optimizer groups, and that it learns.
@Suite struct IterationTrainerTests {
    /// nanoGPT's get_lr (train.py) with learning_rate 1e-3, min_lr 1e-4, warmup 100, decay 5000.
    @Test func scheduleIsNanoGPTsGetLR() {
        var o = IterationOptions()
        (o.learningRate, o.minLR, o.warmupIters, o.lrDecayIters) = (1e-3, 1e-4, 100, 5000)
        #expect(abs(o.learningRate(at: 0) - 1e-3 * 1 / 101) < 1e-9)
        #expect(abs(o.learningRate(at: 99) - 1e-3 * 100 / 101) < 1e-9)
        #expect(abs(o.learningRate(at: 100) - 1e-3) < 1e-9)
        #expect(abs(o.learningRate(at: 2550) - 5.5e-4) < 1e-8)
        #expect(abs(o.learningRate(at: 5000) - 1e-4) < 1e-9)
        #expect(o.learningRate(at: 6000) == 1e-4)
        o.decayLR = false
        #expect(o.learningRate(at: 0) == 1e-3)
    }

    /// Windows laid out [T, B]: column b holds data[i_b ..< i_b + T], its targets one further.
    @Test func randomWindowsAreShiftedColumns() throws {
        let tokens = Array(0..<50)
        let windows = try #require(RandomWindows(tokens, blockSize: 4, batchSize: 3))
        let (input, target) = windows.batch(RandomGenerator(seed: 1))
        for b in 0..<3 {
            let column = (0..<4).map { input[$0 * 3 + b] }
            #expect(column == Array(column[0]..<(column[0] + 4)))
            #expect((0..<4).map { target[$0 * 3 + b] } == column.map { $0 + 1 })
            #expect(column[0] < 46)
        }
        #expect(RandomWindows(Array(0..<4), blockSize: 4, batchSize: 1) == nil)
    }

    /// AdamW's weight decay reaches the ≥ 2-D parameters only (nanoGPT's two groups).
    @Test func weightDecayOnlyOnMatrices() {
        let matrix = Tensor(shape: [2, 2], repeating: 1, requiresGrad: true)
        let vector = Tensor(shape: [2], repeating: 1, requiresGrad: true)
        for p in [matrix, vector] { p.grad = Tensor.zeros(p.shape) }
        let optimizer = OptimizerGroups.adamW([matrix, vector], lr: 0.1, betas: (0.9, 0.95), weightDecay: 0.5)
        optimizer.step()
        #expect(matrix.scalars.allSatisfy { abs($0 - 0.95) < 1e-6 })
        #expect(vector.scalars == [1, 1])
        optimizer.learningRate = 0.01
        #expect(optimizer.groups.allSatisfy { $0.learningRate == 0.01 })
    }

    /// A small GPT learns a periodic token stream: the estimated val loss falls well below its start.
    @Test func aSmallGPTLearns() throws {
        let period = [1, 4, 2, 7, 3, 3, 5, 0, 6]
        let stream = (0..<60).flatMap { _ in period }
        let corpus = Corpus(
            vocabulary: Vocabulary(words: (0..<8).map(String.init)), train: stream, valid: Array(stream.prefix(200)),
            test: Array(stream.prefix(100)))
        let model = try makeLanguageModel(
            ModelConfig(kind: .gpt, vocabularySize: 8, emsize: 16, nlayers: 1, nhead: 2, dropout: 0, blockSize: 12),
            generator: RandomGenerator(seed: 1))
        var options = TrainOptions()
        options.batchSize = 4
        var iterations = IterationOptions()
        (iterations.maxIters, iterations.evalInterval, iterations.evalIters) = (80, 40, 4)
        (iterations.learningRate, iterations.minLR, iterations.warmupIters) = (1e-2, 1e-3, 5)
        options.iterations = iterations
        let recorder = Recorder()
        let trainer = try IterationTrainer(
            model: model, corpus: corpus, options: options, generator: RandomGenerator(seed: 2), reporter: recorder)
        let summary = try trainer.run()
        #expect(recorder.estimates.map(\.0) == [0, 40, 80, 81])
        #expect(recorder.iterations == Array(0...80))
        let first = try #require(recorder.estimates.first?.1)
        #expect(summary.bestValidLoss < first / 3, "val loss \(first) → \(summary.bestValidLoss)")
        #expect(summary.epochsRun == 81)
    }

    @Test func tooShortATextIsAOneLineError() throws {
        let model = try makeLanguageModel(
            ModelConfig(kind: .gpt, vocabularySize: 4, emsize: 4, nlayers: 1, nhead: 1, dropout: 0, blockSize: 16))
        var options = TrainOptions()
        options.iterations = IterationOptions()
        let corpus = Corpus(vocabulary: Vocabulary(words: ["a", "b", "c", "d"]), train: [0, 1, 2], valid: [1, 2], test: [1, 2])
        #expect(throws: TrainError.self) { try IterationTrainer(model: model, corpus: corpus, options: options) }
    }

    final class Recorder: TrainingReporter {
        var estimates: [(Int, Double)] = []
        var iterations: [Int] = []
        func log(epoch: Int, batch: Int, batches: Int, lr: Float, msPerBatch: Double, loss: Double) {}
        func epochEnd(
            epoch: Int, seconds: Double, trainLoss: Double, validLoss: Double, validAccuracy: Double, lr: Float,
            tokensPerSecond: Double
        ) {}
        func notice(_ message: String) {}
        func iteration(_ iteration: Int, loss: Double, milliseconds: Double, lr: Float, tokensPerSecond: Double) {
            iterations.append(iteration)
        }
        func estimate(_ iteration: Int, trainLoss: Double, validLoss: Double, lr: Float) {
            estimates.append((iteration, validLoss))
        }
    }
}
