import Testing
import Train

/// The results table's Markdown: columns, number formats, alignment, failed and unfinished runs.
@Suite struct ResultsTableTests {
    let rows = [
        RunResult(
            name: "model=LSTM,nlayers=1", settings: [.init(key: "model", value: "LSTM"), .init(key: "nlayers", value: "1")],
            status: .finished, parameters: 2_653_200, epochs: 6, secondsPerEpoch: 43.25, bestValidPerplexity: 131.456,
            testPerplexity: 125.0),
        RunResult(
            name: "model=GRU,nlayers=1", settings: [.init(key: "model", value: "GRU"), .init(key: "nlayers", value: "1")],
            status: .failed, message: "exit status 1"),
        RunResult(
            name: "model=RNN|x,nlayers=1", settings: [.init(key: "model", value: "RNN|x"), .init(key: "nlayers", value: "1")],
            status: .unfinished, parameters: 950, epochs: 1, secondsPerEpoch: 0.5, bestValidPerplexity: 900)
    ]

    @Test func markdownColumnsAndFormats() {
        let table = ResultsTable(keys: ["model", "nlayers"], rows: rows).markdown()
        #expect(
            table == """
                | model  | nlayers |    params | s/epoch | best valid ppl |   test ppl |
                | ------ | ------- | --------: | ------: | -------------: | ---------: |
                | LSTM   | 1       | 2,653,200 |    43.2 |         131.46 |     125.00 |
                | GRU    | 1       |         – |       – |              – |     failed |
                | RNN\\|x | 1       |       950 |    0.50 |         900.00 | unfinished |

                """)
    }

    @Test func withoutKeysTheRunNameIsTheFirstColumn() {
        let table = ResultsTable(keys: [], rows: Array(rows.prefix(1)))
        #expect(table.header == ["run", "params", "s/epoch", "best valid ppl", "test ppl"])
        #expect(table.cells == [["model=LSTM,nlayers=1", "2,653,200", "43.2", "131.46", "125.00"]])
        #expect(table.numeric == [false, true, true, true, true])
    }
}
