import Foundation

/// A self-contained HTML page comparing training runs: a results table, learning curves (inline
/// SVG), and per run its configuration and, when the run folder has one, an embedding plot. No
/// external resources: the CSS is inline and the embedding SVG travels as a `data:` URI (so its
/// own markup can neither break the page nor run scripts in it). The page is also well-formed XML.
public struct HTMLReport {
    /// A table of text cells; `numeric` columns are right-aligned.
    public struct Table {
        public var header: [String]
        public var rows: [[String]]
        public var numeric: [Bool]
        public init(header: [String], rows: [[String]], numeric: [Bool]) {
            self.header = header
            self.rows = rows
            self.numeric = numeric
        }
    }

    /// One run's section.
    public struct Run {
        public var name: String
        /// The folder as given, shown under the name.
        public var path: String
        /// A one-line state, e.g. "finished, 6 epochs".
        public var status: String
        /// The configuration as `key: value` pairs.
        public var config: [(key: String, value: String)]
        /// The file name looked for in the run folder, shown when there is none.
        public var embeddingFile: String
        /// The embedding plot's SVG document, when the run folder has one.
        public var embeddingSVG: Data?

        public init(
            name: String, path: String, status: String, config: [(key: String, value: String)],
            embeddingFile: String, embeddingSVG: Data?
        ) {
            self.name = name
            self.path = path
            self.status = status
            self.config = config
            self.embeddingFile = embeddingFile
            self.embeddingSVG = embeddingSVG
        }
    }

    public var title: String
    public var results: Table
    /// An SVG document (LineChart.svg()) placed inline.
    public var curvesSVG: String
    /// A sentence under the curves (what the line styles mean).
    public var curvesCaption: String
    public var runs: [Run]

    public init(title: String, results: Table, curvesSVG: String, curvesCaption: String, runs: [Run]) {
        self.title = title
        self.results = results
        self.curvesSVG = curvesSVG
        self.curvesCaption = curvesCaption
        self.runs = runs
    }

    static let style = """
        body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #222; }
        h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ccc; } h3 { margin-top: 1.4em; }
        table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.92em; }
        th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
        th { background: #f3f3f3; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        .path, code { font-family: Menlo, Consolas, monospace; font-size: 0.9em; color: #555; }
        .note { color: #666; font-style: italic; } figure { margin: 0.5em 0; } figure svg, figure img { max-width: 100%; height: auto; }
        figcaption { color: #555; font-size: 0.9em; } table.pairs th { font-weight: normal; color: #555; }
        .wide { overflow-x: auto; }
        @page { size: A4 landscape; margin: 1.5cm; }
        """

    /// The page.
    public func html() -> String {
        var out = """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>\(Markup.escape(title))</title>
            <style>
            \(Self.style)
            </style>
            </head>
            <body>
            <h1>\(Markup.escape(title))</h1>
            <h2>Results</h2>

            """
        out += Self.table(results)
        out +=
            "<h2>Learning curves</h2>\n<figure>\n\(Self.inlineSVG(curvesSVG))<figcaption>\(Markup.escape(curvesCaption))</figcaption>\n</figure>\n"
        out += "<h2>Runs</h2>\n"
        for (index, run) in runs.enumerated() {
            out += "<h3 id=\"run-\(index + 1)\">\(Markup.escape(run.name))</h3>\n"
            out += "<p><span class=\"path\">\(Markup.escape(run.path))</span> — \(Markup.escape(run.status))</p>\n"
            out += Self.pairTable(run.config, perRow: 4)
            out += "<h4>Embedding</h4>\n"
            if let svg = run.embeddingSVG {
                let alt = Markup.escape("embedding plot of \(run.name)")
                out += "<figure><img src=\"data:image/svg+xml;base64,\(svg.base64EncodedString())\" alt=\"\(alt)\"/></figure>\n"
            } else {
                out +=
                    "<p class=\"note\">No \(Markup.escape(run.embeddingFile)) in this run folder; "
                    + "an SVG saved there under that name (e.g. by perplex embed-plot) appears here.</p>\n"
            }
        }
        return out + "</body>\n</html>\n"
    }

    static func table(_ table: Table) -> String {
        func cell(_ tag: String, _ text: String, _ column: Int) -> String {
            let numeric = column < table.numeric.count && table.numeric[column]
            return "<\(tag)\(numeric ? " class=\"num\"" : "")>\(Markup.escape(text))</\(tag)>"
        }
        var out =
            "<div class=\"wide\"><table>\n<thead><tr>" + table.header.enumerated().map { cell("th", $1, $0) }.joined()
            + "</tr></thead>\n<tbody>\n"
        for row in table.rows {
            out += "<tr>" + row.enumerated().map { cell("td", $1, $0) }.joined() + "</tr>\n"
        }
        return out + "</tbody>\n</table></div>\n"
    }

    /// `key value` pairs laid out `perRow` to a row (keys in bold cells).
    static func pairTable(_ pairs: [(key: String, value: String)], perRow: Int) -> String {
        var out = "<div class=\"wide\"><table class=\"pairs\">\n<tbody>\n"
        for start in stride(from: 0, to: pairs.count, by: perRow) {
            out +=
                "<tr>"
                + pairs[start..<min(start + perRow, pairs.count)].map {
                    "<th>\(Markup.escape($0.key))</th><td>\(Markup.escape($0.value))</td>"
                }.joined() + "</tr>\n"
        }
        return out + "</tbody>\n</table></div>\n"
    }

    /// An SVG document without its XML declaration or doctype, so it can sit inside the page.
    static func inlineSVG(_ svg: String) -> String {
        guard let start = svg.range(of: "<svg") else { return "" }
        return String(svg[start.lowerBound...])
    }
}
