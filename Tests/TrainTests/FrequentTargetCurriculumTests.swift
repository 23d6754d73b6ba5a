import Foundation
import Testing
import Train

/// `--exclude-frequent`'s stages: parsing, the refusals, and which epoch leaves out which K.
@Suite struct FrequentTargetCurriculumTests {
    @Test func theReportsScheduleGivesEachEpochItsK() throws {
        let curriculum = try FrequentTargetCurriculum(parsing: "10:2,5:2,2:2")
        #expect(curriculum.stages.map(\.mostFrequent) == [10, 5, 2] && curriculum.stages.map(\.epochs) == [2, 2, 2])
        #expect((1...8).map { curriculum.mostFrequent(epoch: $0) } == [10, 10, 5, 5, 2, 2, 0, 0])
        #expect((1...8).map { curriculum.stage(epoch: $0) } == [0, 0, 1, 1, 2, 2, nil, nil])
        #expect(curriculum.epochs == 6 && curriculum.description == "10:2,5:2,2:2")
        let uneven = try FrequentTargetCurriculum(parsing: "3:1,1:3")
        #expect((1...6).map { uneven.mostFrequent(epoch: $0) } == [3, 1, 1, 1, 0, 0])
    }

    /// Stored as the flag spells it, so config.json and a checkpoint's progress read back alike.
    @Test func travelsAsItsFlagSpelling() throws {
        let curriculum = try FrequentTargetCurriculum(parsing: "10:2,5:2,2:2")
        var options = TrainOptions()
        options.excludeFrequent = curriculum
        let json = String(decoding: try JSONEncoder().encode(options), as: UTF8.self)
        #expect(json.contains("\"excludeFrequent\":\"10:2,5:2,2:2\""), "\(json)")
        #expect(try JSONDecoder().decode(TrainOptions.self, from: Data(json.utf8)) == options)
        var progress = TrainingProgress(epoch: 3, lr: 20, bestValidLoss: 5)
        progress.excludeFrequent = curriculum
        #expect(TrainingProgress(metadata: progress.metadata) == progress)
    }

    @Test(
        arguments: [
            ("10", "--exclude-frequent 10: give K:EPOCHS stages separated by commas, K shrinking (e.g. 10:2,5:2,2:2)"),
            ("10:2,", "--exclude-frequent 10:2,: give K:EPOCHS stages separated by commas, K shrinking (e.g. 10:2,5:2,2:2)"),
            ("ten:2", "--exclude-frequent ten:2: give K:EPOCHS stages separated by commas, K shrinking (e.g. 10:2,5:2,2:2)"),
            ("", "--exclude-frequent : give K:EPOCHS stages separated by commas, K shrinking (e.g. 10:2,5:2,2:2)"),
            ("10:2:1", "--exclude-frequent 10:2:1: give K:EPOCHS stages separated by commas, K shrinking (e.g. 10:2,5:2,2:2)"),
            (
                "99999999999999999999:1",
                "--exclude-frequent 99999999999999999999:1: give K:EPOCHS stages separated by commas, K shrinking (e.g. 10:2,5:2,2:2)"
            ),
            ("10:2,5:0", "--exclude-frequent 10:2,5:0: stage 2 (5:0) lasts no epoch; a stage's epochs must be at least 1"),
            ("0:2", "--exclude-frequent 0:2: stage 1 (0:2) excludes no word; K must be at least 1"),
            ("-3:2", "--exclude-frequent -3:2: stage 1 (-3:2) excludes no word; K must be at least 1"),
            ("5:2,10:2", "--exclude-frequent 5:2,10:2: stage 2 (10:2): K must shrink from stage to stage (5, then fewer)"),
            ("5:2,5:1", "--exclude-frequent 5:2,5:1: stage 2 (5:1): K must shrink from stage to stage (5, then fewer)"),
            ("5:2000000", "--exclude-frequent 5:2000000: stage 1 (5:2000000): a stage's epochs must be at most 1000000")
        ])
    func badStagesAreOneLine(spec: String, message: String) {
        #expect(throws: (any Error).self) { try FrequentTargetCurriculum(parsing: spec) }
        do {
            _ = try FrequentTargetCurriculum(parsing: spec)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func kMustLeaveAWordToPredict() throws {
        let curriculum = try FrequentTargetCurriculum(parsing: "10:1,2:1")
        #expect(curriculum.problem(trainingWords: 11) == nil)
        #expect(
            curriculum.problem(trainingWords: 10)
                == "--exclude-frequent 10:1,2:1: K 10 must be below the 10 distinct words of the training text (none would be left to predict)"
        )
    }

    @Test func excludeFrequentIsAnEpochOption() throws {
        var options = TrainOptions()
        options.excludeFrequent = try FrequentTargetCurriculum(parsing: "2:1")
        #expect(options.problem() == nil)
        options.iterations = IterationOptions()
        #expect(options.problem() == "--exclude-frequent does not apply to --max-iters training (its stages are epochs)")
        options.excludeFrequent = FrequentTargetCurriculum(stages: [])
        #expect(options.problem() == "--exclude-frequent needs at least one K:EPOCHS stage")
    }

    /// Counts over the text, most frequent first, ties to the smaller id; ids outside the vocabulary not counted.
    @Test func mostFrequentWordsRankByCountThenId() {
        let tokens = [4, 1, 4, 2, 2, 0, 4, 3, 3, 9, -1]
        #expect(FrequentTargetCurriculum.mostFrequentWords(3, in: tokens, vocabularySize: 5) == [4, 2, 3])
        #expect(FrequentTargetCurriculum.mostFrequentWords(9, in: tokens, vocabularySize: 5) == [4, 2, 3, 0, 1])
        let (masked, counted) = FrequentTargetCurriculum.masking([4, 1, 2, 0], excluded: [false, false, true, false, true])
        #expect(masked == [-1, 1, -1, 0] && counted == 2)
    }
}
