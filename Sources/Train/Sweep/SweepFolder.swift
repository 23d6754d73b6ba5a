import Formats
import Foundation
import NN

/// The folder a sweep writes: `sweep.json` (the grid and the runs in order), one run folder per
/// grid point named by its settings, a completion marker (`sweep-done.json`) in each run folder
/// that finished, and `results.md` / `results.json` with the table.
public struct SweepFolder: Sendable {
    /// What sweep.json holds.
    public struct Plan: Codable, Equatable, Sendable {
        public var grid: SweepGrid
        /// The `perplex train` flags given to every run.
        public var trainArguments: [String]
        /// Run folder names in grid order.
        public var runs: [String]

        enum CodingKeys: String, CodingKey {
            case grid, runs
            case trainArguments = "train_arguments"
        }

        public init(grid: SweepGrid, trainArguments: [String]) {
            self.grid = grid
            self.trainArguments = trainArguments
            runs = grid.runs.map(\.folderName)
        }
    }

    /// What a finished run's marker holds: the exact training command and the run's row.
    public struct Marker: Codable, Equatable, Sendable {
        public var arguments: [String]
        public var result: RunResult
    }

    /// What results.json holds.
    public struct Results: Codable, Equatable, Sendable {
        public var grid: SweepGrid
        public var trainArguments: [String]
        public var runs: [RunResult]
        enum CodingKeys: String, CodingKey {
            case grid, runs
            case trainArguments = "train_arguments"
        }
    }

    public static let planName = "sweep.json", markerName = "sweep-done.json"

    public let url: URL
    public init(url: URL) { self.url = url }

    public var planFile: URL { url.appendingPathComponent(Self.planName) }
    public var resultsMarkdown: URL { url.appendingPathComponent("results.md") }
    public var resultsJSON: URL { url.appendingPathComponent("results.json") }

    public func runFolder(_ settings: SweepSettings) -> URL { url.appendingPathComponent(settings.folderName) }
    public func marker(_ settings: SweepSettings) -> URL { runFolder(settings).appendingPathComponent(Self.markerName) }

    /// True when `url` holds a sweep.json.
    public static func isSweepFolder(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent(planName).path)
    }

    /// Reads sweep.json.
    public static func readPlan(in url: URL) throws(RunRecordError) -> Plan {
        let file = url.appendingPathComponent(planName).path
        let data = try RunRecord.read(file)
        do { return try JSONDecoder().decode(Plan.self, from: data) } catch {
            throw .unreadable(file: file, reason: "not a sweep plan (\(error.localizedDescription))")
        }
    }

    /// Creates the folder and writes sweep.json.
    public func writePlan(_ plan: Plan) throws(SweepError) {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try writeAtomically(try Self.encoder.encode(plan), to: planFile)
        } catch { throw SweepError("cannot write \(planFile.path): \(error.localizedDescription)") }
    }

    /// The row recorded when this run finished with exactly `arguments`; nil when it has not
    /// finished or was trained with other flags.
    public func finishedResult(_ settings: SweepSettings, arguments: [String]) -> RunResult? {
        guard let data = FileManager.default.contents(atPath: marker(settings).path),
            let marker = try? JSONDecoder().decode(Marker.self, from: data),
            marker.arguments == arguments, marker.result.status == .finished
        else { return nil }
        return marker.result
    }

    /// The `perplex train` arguments a finished run's marker records (nil without a readable marker).
    public func recordedArguments(_ settings: SweepSettings) -> [String]? {
        guard let data = FileManager.default.contents(atPath: marker(settings).path) else { return nil }
        return (try? JSONDecoder().decode(Marker.self, from: data))?.arguments
    }

    /// Writes the completion marker of a finished run.
    public func markFinished(_ settings: SweepSettings, arguments: [String], result: RunResult) throws(SweepError) {
        do {
            try writeAtomically(try Self.encoder.encode(Marker(arguments: arguments, result: result)), to: marker(settings))
        } catch {
            throw SweepError("cannot write \(marker(settings).path): \(error.localizedDescription)")
        }
    }

    /// Removes what an earlier, unfinished attempt left in a run's folder.
    public func clearRun(_ settings: SweepSettings) throws(SweepError) {
        let folder = runFolder(settings)
        guard FileManager.default.fileExists(atPath: folder.path) else { return }
        do { try FileManager.default.removeItem(at: folder) } catch {
            throw SweepError("cannot clear the unfinished run \(folder.path): \(error.localizedDescription)")
        }
    }

    /// Writes results.md (the Markdown table) and results.json; returns the table.
    @discardableResult
    public func writeResults(_ plan: Plan, rows: [RunResult]) throws(SweepError) -> String {
        let table = ResultsTable(keys: plan.grid.keys, rows: rows).markdown()
        let results = Results(grid: plan.grid, trainArguments: plan.trainArguments, runs: rows)
        do {
            try writeAtomically(Data(table.utf8), to: resultsMarkdown)
            try writeAtomically(try Self.encoder.encode(results), to: resultsJSON)
        } catch { throw SweepError("cannot write the results in \(url.path): \(error.localizedDescription)") }
        return table
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
