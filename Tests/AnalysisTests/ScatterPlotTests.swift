import Foundation
import Plot
import Tensor
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Collects the text of every <text> element of an SVG.
final class SVGTexts: NSObject, XMLParserDelegate {
    var texts: [String] = []
    private var current: String?
    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if name == "text" { current = "" }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { current? += string }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text", let text = current { texts.append(text) }
        current = nil
    }
}

@Suite struct ScatterPlotTests {
    /// 300 points in a few dense clusters, labelled w0 … w299 (plus XML-hostile words).
    func clusteredPoints() -> [ScatterPlot.Point] {
        let random = RandomGenerator(seed: 9)
        let centres = [(0.0, 0.0), (10, 3), (-6, 8), (4, -9)]
        let special = ["<unk>", "AT&T", "\"quoted\"", "it's"]
        return (0..<300).map { i in
            let c = centres[i % centres.count]
            let label = i < special.count ? special[i] : "w\(i)"
            return .init(x: c.0 + 2 * random.nextNormal(), y: c.1 + 2 * random.nextNormal(), label: label)
        }
    }

    @Test func threeHundredLabelsNeverOverlapAndTheSVGParses() throws {
        let plot = ScatterPlot(title: "Words & <things>", xLabel: "x", yLabel: "y", points: clusteredPoints())
        let rendering = plot.render()
        let placement = rendering.placement
        #expect(placement.labels.count + placement.dropped.count == 300)
        #expect(placement.labels.count >= 270, "only \(placement.labels.count) placed")
        let boxes = placement.labels.map(\.box)
        for a in 0..<boxes.count {
            for b in (a + 1)..<boxes.count { #expect(!boxes[a].overlaps(boxes[b]), "labels \(a) and \(b) overlap") }
            #expect(boxes[a].minX >= 0 && boxes[a].maxX <= plot.width && boxes[a].minY >= 0 && boxes[a].maxY <= plot.height)
        }
        let parser = XMLParser(data: Data(rendering.svg.utf8))
        let texts = SVGTexts()
        parser.delegate = texts
        #expect(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))")
        #expect(texts.texts.contains("Words & <things>"))
        for word in ["<unk>", "AT&T", "\"quoted\"", "it's"]
        where placement.labels.contains(where: { plot.points[$0.index].label == word }) {
            #expect(texts.texts.contains(word), "\(word) lost in escaping")
        }
        #expect(!rendering.svg.contains("<unk>") && rendering.svg.contains("&lt;unk&gt;"))
    }

    @Test func crowdedLabelsShrinkThenDropAndTheFootnoteSaysSo() {
        let points = (0..<60).map {
            ScatterPlot.Point(x: Double($0 % 3), y: Double($0 / 3 % 2), label: "a-rather-long-label-\($0)")
        }
        let rendering = ScatterPlot(title: "crowded", points: points, width: 300, height: 200).render()
        #expect(!rendering.placement.dropped.isEmpty)
        #expect(rendering.placement.dropped.first == rendering.placement.dropped.min(), "earlier labels win the space")
        #expect(rendering.svg.contains("\(rendering.placement.dropped.count) left out (no free space)"))
    }

    @Test func axesHaveRoundTicks() {
        let points = [ScatterPlot.Point(x: -3.2, y: 0.01), .init(x: 17.9, y: 0.045)]
        let svg = ScatterPlot(title: "t", points: points).svg()
        for tick in [">0<", ">5<", ">10<", ">15<", ">0.02<", ">0.03<", ">0.04<"] {
            #expect(svg.contains(tick), "missing tick \(tick)")
        }
    }
}
