import ArgumentParser
import Foundation
import Train

/// `perplex sweep`: trains every point of a grid of `perplex train` settings, each in its own run
/// folder, and tabulates the results; an interrupted sweep resumes where it stopped.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Train the cartesian product of a grid of perplex train settings and tabulate the results.",
        discussion: """
            Example: perplex sweep --grid model=LSTM,GRU nlayers=1,2 --out sweeps/rnn --epochs 6 --data DIR

            Grid keys are perplex train's option names, with or without -- (--grid --nlayers=1,2 \
            also works); flags such as tied take the values true and false. All other arguments \
            are perplex train flags given to every run.

            Each run is a separate `perplex train ... --save OUT/<key=value,...>` process; a run \
            that finishes gets a sweep-done.json marker. The table (settings, parameters, seconds \
            per epoch, best validation and test perplexity) is printed and written to \
            OUT/results.md and OUT/results.json.

            Ctrl-C stops the running training (its best model is kept) and the sweep; the same \
            command then resumes: finished runs are skipped, unfinished ones restart. Runs that \
            fail are listed at the end and retried by the next invocation. A sweep into an --out \
            whose runs were trained with other flags is refused unless --overwrite (which trains \
            them again); new grid points are simply added.
            """)

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Grid axes: key=v1,v2,... items.", valueName: "key=values"))
    var grid: [String] = []
    @Option(help: "Sweep folder: one run folder per grid point, results.md, results.json, sweep.json.")
    var out: String
    @Flag(help: "Train again the runs in --out that were trained with other settings (without it such a sweep is refused).")
    var overwrite = false
    @Argument(parsing: .allUnrecognized, help: "perplex train flags given to every run.")
    var trainArguments: [String] = []

    func run() throws {
        let keys = TrainCommand.gridKeys
        let flags = Set(keys.filter(\.value).keys)
        let grid: SweepGrid
        do { grid = try SweepGrid(items: self.grid, knownKeys: Set(keys.keys)) } catch { throw fail("\(error)") }
        try checkTrainArguments(grid: grid)
        let folder = SweepFolder(url: URL(fileURLWithPath: out))
        for settings in grid.runs {
            for setting in settings.settings where flags.contains(setting.key) && !["true", "false"].contains(setting.value) {
                throw fail("grid key '\(setting.key)' is a flag: its values are true and false, got '\(setting.value)'")
            }
            try check(settings, arguments: runArguments(settings, flags: flags) + Self.saving(in: folder, settings))
        }

        let plan = SweepFolder.Plan(grid: grid, trainArguments: trainArguments)
        let runner = SweepRunner(folder: folder, plan: plan, overwrite: overwrite) { runArguments($0, flags: flags) }
        let executable = ChildProcess.currentExecutable
        print(
            "| sweep of \(grid.count) runs (\(grid.axes.map { "\($0.key): \($0.values.count)" }.joined(separator: ", "))) in \(folder.url.path)"
        )
        SweepSignals.install()
        let summary: SweepRunner.Summary
        do {
            summary = try runner.run(log: { print($0) }) { settings, arguments in
                Self.train(executable, arguments + Self.saving(in: folder, settings))
            }
        } catch { throw fail("\(error)") }

        print(summary.table, terminator: "")
        print("| results in \(folder.resultsMarkdown.path) and \(folder.resultsJSON.path)")
        if let stopped = summary.interruptedAt {
            print("| sweep stopped during run \(stopped)/\(grid.count); run the same command again to resume")
            throw ExitCode(130)
        }
        if summary.failed > 0 {
            let names = summary.rows.filter { $0.status == .failed }.map(\.name).joined(separator: "; ")
            throw fail("\(summary.failed) of \(grid.count) runs failed (\(names)); run the same command again to retry them")
        }
    }

    /// A run's `perplex train` argument list, less `--save`: the shared flags, then the grid's.
    func runArguments(_ settings: SweepSettings, flags: Set<String>) -> [String] {
        ["train"] + trainArguments + TrainCommand.arguments(for: settings, flags: flags)
    }

    /// Runs `executable arguments` as a child, forwarding stop signals to it, and says how it ended.
    static func train(_ executable: String, _ arguments: [String]) -> RunExit {
        if SweepSignals.requested { return .interrupted }
        let child: ChildProcess
        do { child = try ChildProcess.spawn(executable, arguments) } catch { return .failed("\(error)") }
        SweepSignals.track(child.pid)
        let termination = child.wait()
        SweepSignals.untrack()
        if SweepSignals.requested { return .interrupted }
        switch termination {
        case .exited(0): return .succeeded
        case .exited(let status): return .failed("perplex train exited with status \(status)")
        case .signalled(let signal): return .failed("perplex train was killed by signal \(signal)")
        }
    }

    /// Where a run writes: the sweep owns its run folders and decides which to (re)run, so a
    /// restarted unfinished run replaces what its crashed attempt left.
    static func saving(in folder: SweepFolder, _ settings: SweepSettings) -> [String] {
        ["--save", folder.runFolder(settings).path, "--overwrite"]
    }

    /// The shared train flags may not set what the grid or the sweep sets.
    func checkTrainArguments(grid: SweepGrid) throws {
        for argument in trainArguments where argument.hasPrefix("--") {
            let name = SweepGrid.normalizedKey(String(argument.prefix { $0 != "=" }))
            if name == "save" || name == "overwrite" {
                throw fail("--\(name) is chosen per run by the sweep; use --out for the sweep folder")
            }
            if grid.keys.contains(name) { throw fail("--\(name) is both a grid key and a train flag; give it in one place") }
        }
        do { _ = try TrainCommand.parse(trainArguments) } catch {
            throw fail("train flags \(trainArguments.joined(separator: " ")): \(TrainCommand.message(for: error))")
        }
    }

    /// Refuses a run before anything trains when perplex train would refuse it.
    func check(_ settings: SweepSettings, arguments: [String]) throws {
        let command: TrainCommand
        do { command = try TrainCommand.parse(Array(arguments.dropFirst())) } catch {
            throw fail("run \(settings.label): \(TrainCommand.message(for: error))")
        }
        if let problem = command.problem() { throw fail("run \(settings.label): \(problem)") }
    }
}
