import ArgumentParser
import Foundation
import Train

/// `perplex report`: one self-contained HTML page comparing training runs.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an HTML page comparing runs: results table, learning curves, configurations, embedding plots.",
        discussion: """
            Each RUN is a run folder (perplex train --save), a sweep folder (all its runs that have \
            started, in grid order) or a folder of run folders.

            The page needs no other file: the CSS and the curves are inline, and an SVG named by \
            --embedding-file (default embedding.svg, e.g. written by perplex embed-plot) found in \
            a run folder is embedded in that run's section. The curves are also written as an SVG \
            file (--curves).
            """)

    @Argument(help: "Run folders, sweep folders or folders of run folders.") var runs: [String]
    @Option(help: "The HTML file to write.") var out = "report.html"
    @Option(
        help:
            "Where to write the curves SVG (default: curves.svg beside the HTML, or <name>-curves.svg when that folder is a run folder)."
    )
    var curves: String?
    @Flag(name: [.customLong("log-y"), .customLong("log_y")], help: "Plot perplexity on a log scale.") var logY = false
    @Option(
        name: [.customLong("embedding-file"), .customLong("embedding_file")],
        help: "File name of the embedding plot looked for in each run folder.")
    var embeddingFile = "embedding.svg"
    @Option(help: "The page title.") var title = "Perplex run report"

    func validate() throws {
        guard !runs.isEmpty else { throw ValidationError("give at least one run folder") }
    }

    func run() throws {
        let report: RunReport
        do { report = try RunReport(paths: runs) } catch { throw fail("\(error)") }
        for note in report.skipped { print("| skipped \(note)") }
        let html = URL(fileURLWithPath: out)
        let curvesFile = curves.map { URL(fileURLWithPath: $0) } ?? Self.defaultCurves(beside: html)
        let svg = report.curves(logY: logY).svg()
        for (text, file) in [(svg, curvesFile), (report.html(title: title, curves: svg, embeddingFile: embeddingFile), html)] {
            do { try writeText(text, to: file) } catch { throw fail("cannot write \(file.path): \(error.localizedDescription)") }
        }
        print(
            "| report of \(report.entries.count) run\(report.entries.count == 1 ? "" : "s"): \(html.path) (curves: \(curvesFile.path))"
        )
        print(report.table.markdown(), terminator: "")
    }

    /// curves.svg beside the page, unless that would replace a run folder's own curves.svg.
    static func defaultCurves(beside html: URL) -> URL {
        let folder = html.deletingLastPathComponent()
        if RunRecord.isRunFolder(folder) {
            return folder.appendingPathComponent(html.deletingPathExtension().lastPathComponent + "-curves.svg")
        }
        return folder.appendingPathComponent("curves.svg")
    }

    func writeText(_ text: String, to file: URL) throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file, options: .atomic)
    }
}
