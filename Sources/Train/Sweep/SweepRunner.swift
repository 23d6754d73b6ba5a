import Foundation

/// How one run's training ended, as the code that trains it (a child process) saw it.
public enum RunExit: Equatable, Sendable {
    /// Training exited normally (status 0).
    case succeeded
    /// Training failed: a non-zero status, a crash; the message says how.
    case failed(String)
    /// The sweep was asked to stop (Ctrl-C) before or while this run trained.
    case interrupted
}

/// Runs a sweep's grid in order, resuming: a run whose folder holds a completion marker for the
/// same training flags is skipped and its recorded row reused; any other run's folder is cleared
/// and the run trained again. A folder whose sweep or finished runs were trained with other flags
/// is refused before anything trains, unless `overwrite` (then those runs are trained again).
/// After each run results.md and results.json are rewritten, so they always show what has finished.
public struct SweepRunner {
    /// What a sweep did.
    public struct Summary: Sendable {
        /// One row per grid point, in grid order (unfinished ones included).
        public var rows: [RunResult]
        /// The Markdown table of `rows`.
        public var table: String
        /// The 1-based number of the run during which the sweep was stopped, if it was.
        public var interruptedAt: Int?
        /// How many runs failed.
        public var failed: Int { rows.filter { $0.status == .failed }.count }
    }

    public let folder: SweepFolder
    public let plan: SweepFolder.Plan
    /// The `perplex train` arguments of a run, less `--save` (recorded in its marker, so a run
    /// trained with other flags is not taken for finished, while the sweep folder may move).
    public let arguments: (SweepSettings) -> [String]
    /// Retrain runs recorded with other settings instead of refusing the sweep.
    public var overwrite = false

    public init(
        folder: SweepFolder, plan: SweepFolder.Plan, overwrite: Bool = false, arguments: @escaping (SweepSettings) -> [String]
    ) {
        self.folder = folder
        self.plan = plan
        self.overwrite = overwrite
        self.arguments = arguments
    }

    /// A one-line problem when the folder already holds this sweep trained with other settings:
    /// its sweep.json with other shared train flags, or a finished run of the grid whose marker
    /// records other arguments. Nil for a new folder, a resumed sweep, or a grid grown by new points.
    public func settingsConflict() -> String? {
        let path = folder.url.path
        let advice = "add --overwrite to train them again with the new settings, or choose another --out"
        func spelled(_ arguments: [String]) -> String { arguments.isEmpty ? "none" : "'\(arguments.joined(separator: " "))'" }
        if let old = try? SweepFolder.readPlan(in: folder.url), old.trainArguments != plan.trainArguments {
            return
                "\(path) holds a sweep trained with other train flags (\(spelled(old.trainArguments)) then, \(spelled(plan.trainArguments)) now); \(advice)"
        }
        for settings in plan.grid.runs {
            if let recorded = folder.recordedArguments(settings), recorded != arguments(settings) {
                return
                    "run \(settings.label) in \(path) finished with other settings (\(spelled(recorded)) then, \(spelled(arguments(settings))) now); \(advice)"
            }
        }
        return nil
    }

    /// Trains every unfinished run with `train` (given the settings and the run's arguments; it
    /// saves into `folder.runFolder(settings)`),
    /// printing progress with `log`. Stops after the run during which `train` reports an interrupt.
    public func run(log: (String) -> Void, train: (SweepSettings, [String]) -> RunExit) throws(SweepError) -> Summary {
        let runs = plan.grid.runs
        var rows = runs.map { RunResult(name: $0.folderName, settings: $0.settings, status: .unfinished) }
        var interruptedAt: Int?
        if !overwrite, let conflict = settingsConflict() { throw SweepError(conflict) }
        try folder.writePlan(plan)
        for (index, settings) in runs.enumerated() {
            let number = "\(index + 1)/\(runs.count)"
            let arguments = self.arguments(settings)
            if let done = folder.finishedResult(settings, arguments: arguments) {
                rows[index] = done
                log(
                    "| sweep run \(number) \(settings.label): finished earlier (test ppl "
                        + ResultsTable.format(done.testPerplexity, decimals: 2) + "), skipped")
                continue
            }
            let changed = folder.recordedArguments(settings).map { $0 != arguments } ?? false
            let restarting = FileManager.default.fileExists(atPath: folder.runFolder(settings).path)
            try folder.clearRun(settings)
            let note = changed ? " (retraining: its settings changed)" : restarting ? " (restarting an unfinished run)" : ""
            log("| sweep run \(number) \(settings.label)\(note): training in \(folder.runFolder(settings).path)")
            let exit = train(settings, arguments)
            rows[index] = try outcome(exit, settings: settings, arguments: arguments)
            if case .failed = rows[index].status {
                log("| sweep run \(number) \(settings.label) failed: \(rows[index].message ?? "")")
            }
            if rows[index].status == .unfinished {
                interruptedAt = index + 1
                break
            }
            try folder.writeResults(plan, rows: rows)
        }
        let table = try folder.writeResults(plan, rows: rows)
        return Summary(rows: rows, table: table, interruptedAt: interruptedAt)
    }

    /// The row of a run that just ended; marks it finished when it is.
    func outcome(_ exit: RunExit, settings: SweepSettings, arguments: [String]) throws(SweepError) -> RunResult {
        let name = settings.folderName
        switch exit {
        case .interrupted:
            guard let record = try? RunRecord(folder: folder.runFolder(settings).path) else {
                return RunResult(name: name, settings: settings.settings, status: .unfinished)
            }
            var result = RunResult(name: name, settings: settings.settings, record: record)
            result.status = .unfinished
            return result
        case .failed(let message):
            return RunResult(name: name, settings: settings.settings, status: .failed, message: message)
        case .succeeded:
            let record: RunRecord
            do { record = try RunRecord(folder: folder.runFolder(settings).path) } catch {
                return RunResult(name: name, settings: settings.settings, status: .failed, message: "\(error)")
            }
            var result = RunResult(name: name, settings: settings.settings, record: record)
            if record.test == nil {
                result.status = .failed
                result.message = "training ended without a test result"
            }
            if result.status == .finished { try folder.markFinished(settings, arguments: arguments, result: result) }
            return result
        }
    }
}
