import Testing
import Train

/// `key=v1,v2` grid items: parsing, normalised keys, the cartesian product, one-line errors.
@Suite struct SweepGridTests {
    @Test func cartesianProductInGridOrder() throws {
        let grid = try SweepGrid(items: ["model=LSTM,GRU", "--nlayers=1,2", "emsize=200"])
        #expect(grid.keys == ["model", "nlayers", "emsize"])
        #expect(grid.count == 4)
        #expect(
            grid.runs.map(\.label) == [
                "model=LSTM,nlayers=1,emsize=200", "model=LSTM,nlayers=2,emsize=200",
                "model=GRU,nlayers=1,emsize=200", "model=GRU,nlayers=2,emsize=200"
            ])
        #expect(grid.runs[2]["model"] == "GRU" && grid.runs[2]["bptt"] == nil)
    }

    @Test func keysLoseDashesAndUnderscores() throws {
        let grid = try SweepGrid(items: ["--batch_size=10,20", "log_interval=5"], knownKeys: ["batch-size", "log-interval"])
        #expect(grid.keys == ["batch-size", "log-interval"])
    }

    @Test func folderNamesKeepOnlySafeCharacters() throws {
        let grid = try SweepGrid(items: ["data=/tmp/ptb small,other", "lr=0.5"])
        #expect(grid.runs.map(\.folderName) == ["data=_tmp_ptb_small,lr=0.5", "data=other,lr=0.5"])
        #expect(grid.runs[0].label == "data=/tmp/ptb small,lr=0.5")
    }

    @Test func badItemsAreOneLineErrors() {
        func message(_ items: [String], known: Set<String>? = nil) -> String? {
            do {
                _ = try SweepGrid(items: items, knownKeys: known)
                return nil
            } catch { return error.description }
        }
        #expect(message([]) == "--grid needs at least one key=v1,v2 item")
        #expect(message(["emsize"]) == "malformed grid item 'emsize': expected key=v1,v2,...")
        #expect(message(["=1,2"]) == "malformed grid item '=1,2': the key is empty")
        #expect(message(["emsize="]) == "grid key 'emsize' has no values ('emsize=')")
        #expect(message(["emsize=1,,2"]) == "grid key 'emsize' has an empty value in 'emsize=1,,2'")
        #expect(message(["emsize=1,1"]) == "grid key 'emsize' repeats a value in 'emsize=1,1'")
        #expect(message(["emsize=1", "--emsize=2"]) == "grid key 'emsize' is given twice")
        #expect(
            message(["embsize=1,2"], known: ["emsize", "nhid"])
                == "unknown grid key 'embsize' in 'embsize=1,2'; keys are perplex train's options: emsize, nhid")
        #expect(message(["data=a/b,a_b"]) == "runs data=a/b and data=a_b would share the folder data=a_b")
    }
}
