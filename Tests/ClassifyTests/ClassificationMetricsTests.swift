import Models
import Tensor
import Testing
import Text
import Train

@Suite struct ClassificationMetricsTests {
    @Test func confusionPrecisionRecallF1() {
        // truth:     0 0 0 1 1 2
        // predicted: 0 0 1 1 2 2
        let m = ClassificationMetrics(names: ["a", "b", "c"], truth: [0, 0, 0, 1, 1, 2], predicted: [0, 0, 1, 1, 2, 2])
        #expect(m.confusion == [[2, 1, 0], [0, 1, 1], [0, 0, 1]])
        #expect(m.correct == 4 && m.total == 6 && abs(m.accuracy - 4.0 / 6) < 1e-12)
        #expect(m.precision(0) == 1 && abs(m.recall(0) - 2.0 / 3) < 1e-12)
        #expect(m.precision(1) == 0.5 && m.recall(1) == 0.5 && m.f1(1) == 0.5)
        #expect(m.precision(2) == 0.5 && m.recall(2) == 1 && abs(m.f1(2) - 2.0 / 3) < 1e-12)
        let report = m.report(title: "x")
        #expect(report.contains("accuracy 66.67%") && report.contains("confusion matrix"))
    }

    @Test func emptyClassesScoreZeroNotNaN() {
        let m = ClassificationMetrics(names: ["a", "b"], truth: [0, 0], predicted: [0, 0])
        #expect(m.precision(1) == 0 && m.recall(1) == 0 && m.f1(1) == 0 && m.accuracy == 1)
    }

    /// Training separates a toy task whose class is fixed by one word; early stopping keeps the
    /// best dev epoch.
    @Test(arguments: [ClassifierKind.cnn, .lstm])
    func trainerLearnsAToyTask(kind: ClassifierKind) throws {
        var sentences: [[Int]] = []
        var classes: [Int] = []
        let generator = RandomGenerator(seed: 9)
        for i in 0..<120 {
            let c = i % 3
            var s = (0..<(2 + i % 5)).map { _ in 5 + Int(generator.next() % 10) }
            s.insert(2 + c, at: Int(generator.next() % UInt64(s.count)))
            sentences.append(s)
            classes.append(c)
        }
        let data = EncodedSentences(sentences: sentences, classes: classes)
        let config = ClassifierConfig(
            kind: kind, vocabularySize: 15, classCount: 3, emsize: 16, filterWidths: [2, 3],
            featureMaps: 8, nhid: 16, dropout: 0.2)
        RandomGenerator.global.seed(1)
        let model = try makeSentenceClassifier(config)
        var options = ClassifierOptions()
        (options.epochs, options.batchSize, options.lr) = (25, 10, 1e-2)
        let trainer = try ClassifierTrainer(
            model: model, train: data.subset(Array(0..<90)), dev: data.subset(Array(90..<120)),
            options: options)
        let summary = try trainer.run()
        let accuracy = classificationAccuracy(model, on: data.subset(Array(90..<120)))
        #expect(accuracy >= 0.9, "\(kind): dev accuracy \(accuracy)")
        #expect(summary.bestDevAccuracy == accuracy)
    }
}
