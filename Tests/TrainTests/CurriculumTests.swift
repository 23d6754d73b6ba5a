import Testing
import Train

@Suite struct CurriculumTests {
    @Test func withoutACurriculumWindowsAreTheRecipes() {
        let windows = trainingWindows(rows: 11, bptt: 4, epoch: 1, curriculum: nil)
        #expect(windows.map(\.start) == [0, 4, 8] && windows.allSatisfy { $0.length == 4 })
    }

    /// Lengths follow start + ⌊(bptt − start)·g / (epochs·(rows − 1))⌋ and cover the stream once.
    @Test func windowsGrowFromStartToBpttOverTheCurriculumEpochs() {
        let curriculum = Curriculum(start: 2, epochs: 2)
        let rows = 41
        let bptt = 10
        let first = trainingWindows(rows: rows, bptt: bptt, epoch: 1, curriculum: curriculum)
        #expect(first.first.map { $0 == (0, 2) } ?? false)
        // Row 2 of epoch 1: 2 + 8·2 / 80 = 2; row 12: 2 + 8·12/80 = 3.
        #expect(first[1] == (2, 2))
        for (a, b) in zip(first, first.dropFirst()) {
            #expect(b.start == a.start + a.length && b.length >= a.length && b.length <= 6)
        }
        let second = trainingWindows(rows: rows, bptt: bptt, epoch: 2, curriculum: curriculum)
        // Epoch 2 starts at g = 40: 2 + 8·40/80 = 6, and approaches 10.
        #expect(second.first.map { $0 == (0, 6) } ?? false)
        #expect(second.allSatisfy { $0.length >= 6 && $0.length < 10 })
        let third = trainingWindows(rows: rows, bptt: bptt, epoch: 3, curriculum: curriculum)
        #expect(third.map(\.start) == [0, 10, 20, 30] && third.allSatisfy { $0.length == 10 })
    }

    @Test func badSettingsAreNamed() {
        #expect(Curriculum(start: 0).problem(bptt: 5) == "--curriculum-start must be in 1…--bptt (5), got 0")
        #expect(Curriculum(start: 6).problem(bptt: 5) != nil)
        #expect(Curriculum(start: 2, epochs: 0).problem(bptt: 5) == "--curriculum-epochs must be at least 1, got 0")
        #expect(Curriculum(start: 5).problem(bptt: 5) == nil)
        #expect(
            Curriculum(start: 2, epochs: Int.max).problem(bptt: 5)
                == "--curriculum-epochs must be at most 1000000, got \(Int.max)")
    }

    /// (bptt − start)·g passes Int.max on a long stream with many curriculum epochs; the length does not trap.
    @Test func longStreamsDoNotOverflow() {
        let curriculum = Curriculum(start: 1, epochs: TrainOptions.Limits.epochs)
        let rows = 1 << 40
        let last = TrainOptions.Limits.epochs
        #expect(
            curriculum.length(epoch: last, row: rows - 2, rows: rows, bptt: TrainOptions.Limits.bptt) == TrainOptions.Limits.bptt
                - 1)
        #expect(curriculum.length(epoch: 1, row: 0, rows: rows, bptt: TrainOptions.Limits.bptt) == 1)
    }

    @Test(
        arguments: [
            ({ (o: inout TrainOptions) in o.epochs = Int.max }, "--epochs must be at most 1000000, got \(Int.max)"),
            ({ (o: inout TrainOptions) in o.batchSize = Int.max }, "--batch-size must be at most 1048576, got \(Int.max)"),
            ({ (o: inout TrainOptions) in o.bptt = Int.max }, "--bptt must be at most 1048576, got \(Int.max)"),
            ({ (o: inout TrainOptions) in o.bptt = 0 }, "--bptt must be at least 1, got 0"),
            ({ (o: inout TrainOptions) in o.maxBatches = -1 }, "--max-batches must be non-negative, got -1"),
            ({ (o: inout TrainOptions) in o.clip = .nan }, "--clip must be non-negative, got nan"),
            ({ (o: inout TrainOptions) in o.lr = -.infinity }, "--lr must be positive, got -inf")
        ] as [(@Sendable (inout TrainOptions) -> Void, String)])
    func trainingNumbersAreBounded(_ c: (@Sendable (inout TrainOptions) -> Void, String)) {
        var options = TrainOptions()
        c.0(&options)
        #expect(options.problem() == c.1)
    }
}
