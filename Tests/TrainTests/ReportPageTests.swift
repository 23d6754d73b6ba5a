import Foundation
import Plot
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The HTML page and the charts it holds: escaping, well-formed XML, embedded plots, ticks.
@Suite struct ReportPageTests {
    func isWellFormedXML(_ text: String) -> Bool { XMLParser(data: Data(text.utf8)).parse() }

    @Test func escapingKeepsThePageWellFormed() {
        #expect(Markup.escape(#"a<b & "c" 'd'>"# + "\u{1}") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;")
        let chart = LineChart(
            title: "<ppl> & co", xLabel: "epoch", yLabel: "ppl",
            series: [
                .init(name: "run <1>", points: [(1, 300), (2, 200)]), .init(name: "run \"2\"", points: [(1, 250)], dashed: true)
            ], legendOnRight: true)
        let svg = chart.svg()
        #expect(isWellFormedXML(svg))
        #expect(svg.contains("stroke-dasharray") && svg.contains("run &lt;1&gt;"))
        let page = HTMLReport(
            title: "Runs <&>", results: .init(header: ["run", "test ppl"], rows: [["a<b", "1.00"]], numeric: [false, true]),
            curvesSVG: #"<?xml version="1.0"?>"# + "\n" + svg, curvesCaption: "solid & dashed",
            runs: [
                .init(
                    name: "a<b", path: "runs/a<b", status: "finished", config: [("data", "x&y")], embeddingFile: "embedding.svg",
                    embeddingSVG: Data("<svg xmlns=\"http://www.w3.org/2000/svg\"/>".utf8)),
                .init(
                    name: "c", path: "runs/c", status: "unfinished", config: [], embeddingFile: "embedding.svg", embeddingSVG: nil
                )
            ])
        let html = page.html()
        #expect(isWellFormedXML(html))
        #expect(html.contains("<title>Runs &lt;&amp;&gt;</title>") && html.contains("<td class=\"num\">1.00</td>"))
        #expect(html.contains("data:image/svg+xml;base64,") && html.contains("No embedding.svg in this run folder"))
        #expect(!html.contains("<?xml") && !html.contains("src=\"http") && !html.contains("href=\"http"))
    }

    /// Chromium crops an SVG without a viewBox to a narrow window instead of scaling it, and a wide
    /// table runs off the page; seen in headless screenshots (scripts/browser_check.sh).
    @Test func narrowWindowsScaleChartsAndScrollTables() throws {
        let svg = LineChart(
            title: "t", xLabel: "epoch", yLabel: "ppl", series: [.init(name: "s", points: [(1, 97), (6, 612)])],
            legendOnRight: true
        ).svg()
        let width = try #require(svg.split(separator: "width=\"").dropFirst().first?.prefix { $0.isNumber })
        let height = try #require(svg.split(separator: "height=\"").dropFirst().first?.prefix { $0.isNumber })
        #expect(svg.contains("viewBox=\"0 0 \(width) \(height)\""))
        let html = HTMLReport(
            title: "t", results: .init(header: ["run"], rows: [["a"]], numeric: [false]), curvesSVG: svg, curvesCaption: "",
            runs: [
                .init(name: "a", path: "a", status: "finished", config: [("k", "v")], embeddingFile: "e.svg", embeddingSVG: nil)
            ]
        ).html()
        #expect(html.contains("name=\"viewport\""))
        #expect(html.components(separatedBy: "<div class=\"wide\"><table").count == 3)
    }

    @Test func ticksAreRoundNumbers() {
        let linear = LineChart(
            title: "t", xLabel: "epoch", yLabel: "ppl", series: [.init(name: "s", points: [(1, 97), (6, 612)])]
        ).svg()
        for label in [">0<", ">200<", ">400<", ">600<", ">1<", ">6<"] { #expect(linear.contains(label), "\(label)") }
        #expect(!linear.contains(">1.5<") && !linear.contains(">97<"))
        let log = LineChart(
            title: "t", xLabel: "epoch", yLabel: "ppl", logY: true,
            series: [.init(name: "s", points: [(1, 97), (2, 612)])]
        ).svg()
        for label in [">100<", ">200<", ">500<"] { #expect(log.contains(label), "\(label)") }
    }
}
