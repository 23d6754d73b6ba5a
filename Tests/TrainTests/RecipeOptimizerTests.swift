import Foundation
import Models
import Tensor
import Testing
import Text
import Train

/// The recipe's `--use-optimizer`: AdamW with PyTorch's defaults takes the clipped gradients, and
/// a run resumed with the other optimizer is refused.
@Suite struct RecipeOptimizerTests {
    static func corpus() -> Corpus {
        let words = ["the", "cat", "sees", "a", "dog", "likes", "big", "small", "house", "tree", "old"]
        let lines = (0..<120).map { i in (0..<6).map { words[(i * 7 + $0 * 3 + i / 5) % words.count] }.joined(separator: " ") }
        var vocabulary = Vocabulary()
        let ids = Corpus.tokenize(lines.joined(separator: "\n"), adding: &vocabulary)
        // "zebra" is in the vocabulary but never in the training text: its embedding gets no gradient.
        _ = vocabulary.add("zebra")
        return Corpus(vocabulary: vocabulary, train: ids, valid: Array(ids.prefix(200)), test: Array(ids.suffix(200)))
    }

    static func options(_ optimizer: TrainOptimizer?, lr: Float) -> TrainOptions {
        var options = TrainOptions()
        (options.epochs, options.batchSize, options.bptt, options.dryRun) = (1, 4, 5, true)
        (options.optimizer, options.lr) = (optimizer, lr)
        return options
    }

    static let config = ModelConfig(kind: .lstm, vocabularySize: 0, emsize: 6, nhid: 6, nlayers: 1, dropout: 0)

    static func model(_ corpus: Corpus) throws -> any LanguageModel {
        RandomGenerator.global.seed(7)
        var config = Self.config
        config.vocabularySize = corpus.vocabulary.count
        return try makeLanguageModel(config, words: corpus.vocabulary.words)
    }

    /// Each weight's change in one step, the weight decay p·(1 − lr·0.01) taken out first.
    static func steps(_ optimizer: TrainOptimizer, lr: Float) throws -> [Float] {
        let corpus = corpus()
        let model = try model(corpus)
        let before = Dictionary(uniqueKeysWithValues: model.stateDict())
        _ = try Trainer(model: model, corpus: corpus, options: options(optimizer, lr: lr)).run()
        let decay: Float = optimizer == .adamW ? 1 - lr * 0.01 : 1
        return model.stateDict().flatMap { name, after in
            zip(before[name]?.scalars ?? [], after.scalars).map { $1 - $0 * decay }
        }
    }

    /// From zero moments AdamW's first step is lr·g / (|g| + ε) after the decay: ±lr wherever a
    /// weight has a gradient (whatever its size, clipped or not), nothing where it has none. SGD's
    /// first step, −lr·g, has as many sizes as the gradient.
    @Test func useOptimizerTakesAdamWsFirstStep() throws {
        let lr: Float = 0.001
        let adam = try Self.steps(.adamW, lr: lr)
        let moved = adam.filter { abs($0) > 1e-7 }
        #expect(adam.allSatisfy { abs($0) <= lr * 1.001 })
        // Almost every moved weight moved by lr (|g| / (|g| + ε) is below 1 by ε / |g|); only
        // gradients within a hundred times ε move less.
        #expect(moved.count > adam.count / 2)
        #expect(moved.filter { abs(abs($0) - lr) <= lr * 1e-2 }.count >= moved.count * 95 / 100)
        #expect(adam.contains { abs($0) <= 1e-7 }, "the unused word's embedding row stays where it was")
        let sgd = try Self.steps(.sgd, lr: lr)
        #expect(sgd != adam)
        #expect(Set(sgd.filter { abs($0) > 1e-9 }.map { ($0 / lr * 1e3).rounded() }).count > 10)
    }

    @Test func adamWKeepsItsLearningRateAndSGDAnneals() {
        #expect(!TrainOptimizer.adamW.annealsOnPlateau && TrainOptimizer.sgd.annealsOnPlateau)
    }

    static func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("perplex-adamw-\(UUID())").path
    }

    static func run(epochs: Int, save: String, resume: String? = nil, optimizer: TrainOptimizer? = .adamW) throws {
        var training = options(optimizer, lr: 0.01)
        training.epochs = epochs
        var run = LanguageModelRun(data: .corpus(corpus()), model: config, training: training, resume: resume, save: save)
        run.overwrite = true
        _ = try run.run()
    }

    /// (Resuming goes on exactly: `RecipeCLITests`, in processes of their own, as the random
    /// generator is shared with the tests running beside.)
    @Test func resumingWithTheOtherOptimizerIsRefused() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.run(epochs: 1, save: folder)
        #expect {
            try Self.run(epochs: 2, save: folder, resume: folder, optimizer: nil)
        } throws: { error in
            "\(error)".contains(
                "the run trained with AdamW (--use-optimizer), this one would go on with SGD; pass --use-optimizer")
        }
    }
}
