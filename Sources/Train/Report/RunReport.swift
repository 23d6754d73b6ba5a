import Foundation
import Plot

/// Runs gathered for a report: run folders, sweep folders (their runs in grid order) or folders
/// of run folders, read and named, with the columns that tell them apart.
public struct RunReport {
    /// One run of the report.
    public struct Entry {
        /// Short name: the folder's name, or its path where two runs share a name.
        public var name: String
        /// The folder's path as given (or the sweep's path joined with the run's folder).
        public var path: String
        public var record: RunRecord
        /// The row's setting cells, keyed like `keys`.
        public var settings: [SweepSetting]
    }

    public let entries: [Entry]
    /// Folders left out, one line each: sentence-classifier runs (which have no perplexity).
    public let skipped: [String]
    /// The table's setting columns: a single sweep's grid keys, else `run` and the configuration
    /// keys whose values differ between the runs.
    public let keys: [String]

    /// Reads every run under `paths`. A path that is neither a run folder, a sweep folder nor a
    /// folder holding run folders is an error, as is any run folder that cannot be read; a
    /// sentence-classifier run is left out with a note in `skipped` (an error when nothing else is left).
    public init(paths: [String]) throws(RunRecordError) {
        var found: [(path: String, record: RunRecord, sweep: (path: String, settings: [SweepSetting])?)] = []
        var seen = Set<String>()
        var skipped: [RunRecordError] = []
        func add(_ path: String, sweep: (path: String, settings: [SweepSetting])?) throws(RunRecordError) {
            guard seen.insert(URL(fileURLWithPath: path).standardizedFileURL.path).inserted else { return }
            do { found.append((path, try RunRecord(folder: path), sweep)) } catch .classifierRun(let path) {
                skipped.append(.classifierRun(path))
            }
        }
        for path in paths {
            let url = URL(fileURLWithPath: path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw .notAFolder(path)
            }
            if SweepFolder.isSweepFolder(url) {
                let plan = try SweepFolder.readPlan(in: url)
                let started = plan.grid.runs.filter { RunRecord.isRunFolder(url.appendingPathComponent($0.folderName)) }
                guard !started.isEmpty else { throw .noRuns(path) }
                for settings in started {
                    try add((path as NSString).appendingPathComponent(settings.folderName), sweep: (path, settings.settings))
                }
            } else if RunRecord.isRunFolder(url) {
                try add(path, sweep: nil)
            } else {
                let children = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                let runs = children.sorted().filter { RunRecord.isRunFolder(url.appendingPathComponent($0)) }
                guard !runs.isEmpty else { throw .notARunFolder(path) }
                for run in runs { try add((path as NSString).appendingPathComponent(run), sweep: nil) }
            }
        }

        if found.isEmpty, let first = skipped.first { throw first }
        self.skipped = skipped.map(\.description)
        let shortNames = found.map { URL(fileURLWithPath: $0.path).lastPathComponent }
        let names = shortNames.map { name in shortNames.filter { $0 == name }.count > 1 ? nil : name }
        let sweeps = Set(found.map { $0.sweep?.path })
        if sweeps.count == 1, let sweep = found.first?.sweep {
            keys = sweep.settings.map(\.key)
            entries = found.enumerated().map { index, run in
                Entry(name: names[index] ?? run.path, path: run.path, record: run.record, settings: run.sweep?.settings ?? [])
            }
        } else {
            let configs = found.map {
                Dictionary(RunSettings.flatten($0.record.config).map { ($0.key, $0.value) }) { first, _ in first }
            }
            let ordered = found.flatMap { RunSettings.flatten($0.record.config).map(\.key) }
            var varying: [String] = []
            for key in ordered where key != "parameters" && !varying.contains(key) {
                if Set(configs.map { $0[key] ?? "" }).count > 1 { varying.append(key) }
            }
            keys = ["run"] + varying
            entries = found.enumerated().map { index, run in
                let name = names[index] ?? run.path
                let settings =
                    [SweepSetting(key: "run", value: name)]
                    + varying.map { SweepSetting(key: $0, value: configs[index][$0] ?? "") }
                return Entry(name: name, path: run.path, record: run.record, settings: settings)
            }
        }
    }

    /// The results table (same columns as a sweep's).
    public var table: ResultsTable {
        ResultsTable(keys: keys, rows: entries.map { RunResult(name: $0.name, settings: $0.settings, record: $0.record) })
    }

    /// Training (dashed) and validation (solid) perplexity per epoch, one colour per run; the
    /// legend names each run once and then shows the two line styles.
    public func curves(logY: Bool) -> LineChart {
        var series = entries.enumerated().flatMap { index, entry -> [LineChart.Series] in
            let color = LineChart.colors[index % LineChart.colors.count]
            let epochs = entry.record.epochs
            return [
                LineChart.Series(name: entry.name, points: epochs.map { (Double($0.epoch), $0.validPerplexity) }, color: color),
                LineChart.Series(
                    name: "\(entry.name) train", points: epochs.map { (Double($0.epoch), $0.trainPerplexity) },
                    color: color, dashed: true, inLegend: false)
            ]
        }
        series.append(LineChart.Series(name: "validation", points: [], color: "#444"))
        series.append(LineChart.Series(name: "training", points: [], color: "#444", dashed: true))
        return LineChart(
            title: "Perplexity per epoch", xLabel: "epoch", yLabel: logY ? "perplexity (log scale)" : "perplexity",
            logY: logY, series: series, legendOnRight: true)
    }

    /// The HTML page; `curves` is the SVG of `curves(logY:)`, `embeddingFile` the name of the
    /// embedding plot looked for in each run folder.
    public func html(title: String, curves: String, embeddingFile: String) -> String {
        let table = self.table
        let runs = entries.map { entry in
            let file = entry.record.folder.appendingPathComponent(embeddingFile)
            let svg = FileManager.default.contents(atPath: file.path).flatMap { data in
                String(decoding: data.prefix(4096), as: UTF8.self).contains("<svg") ? data : nil
            }
            return HTMLReport.Run(
                name: entry.name, path: entry.path, status: Self.status(entry.record),
                config: RunSettings.flatten(entry.record.config), embeddingFile: embeddingFile, embeddingSVG: svg)
        }
        return HTMLReport(
            title: title, results: HTMLReport.Table(header: table.header, rows: table.cells, numeric: table.numeric),
            curvesSVG: curves,
            curvesCaption:
                "Perplexity at the end of each epoch: solid lines validation, dashed lines training (averaged over the epoch's batches, dropout on); one colour per run.",
            runs: runs
        ).html()
    }

    static func status(_ record: RunRecord) -> String {
        let epochs = "\(record.epochs.count) epoch\(record.epochs.count == 1 ? "" : "s")"
        guard let test = record.test else { return "unfinished, \(epochs) so far" }
        let ppl = ResultsTable.format(test.perplexity, decimals: 2)
        return test.interrupted == true
            ? "stopped early (Ctrl-C) after \(epochs), test ppl \(ppl)" : "finished, \(epochs), test ppl \(ppl)"
    }
}
