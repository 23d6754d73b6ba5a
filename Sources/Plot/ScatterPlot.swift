import Foundation

/// An SVG scatter plot of labelled points (word embeddings in 2-D): each axis fills the plot area
/// (or equal scales, `equalAspect`), ticks at round numbers, and labels placed greedily so that none overlap
/// (`LabelPlacement`); a footnote says how many labels were drawn smaller or left out.
///
/// ```swift
/// let plot = ScatterPlot(title: "t-SNE of 300 words", points: zip(xy, words).map { .init(x: $0.0.x, y: $0.0.y, label: $0.1) })
/// try Data(plot.svg().utf8).write(to: url)
/// ```
public struct ScatterPlot {
    public struct Point: Sendable {
        public var x: Double, y: Double
        public var label: String?
        public init(x: Double, y: Double, label: String? = nil) {
            (self.x, self.y, self.label) = (x, y, label)
        }
    }

    /// The document and what became of the labels.
    public struct Rendering {
        public let svg: String
        public let placement: LabelPlacement
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// Labels earlier in the array win the free space.
    public var points: [Point]
    public var width: Double
    public var height: Double
    public var fontSize: Double
    public var markerRadius = 2.5
    /// One data unit as long on x as on y; by default (as matplotlib's "auto") each axis fills the
    /// plot area, which leaves more room for labels.
    public var equalAspect = false

    public init(
        title: String, xLabel: String = "", yLabel: String = "", points: [Point],
        width: Double = 1200, height: Double = 900, fontSize: Double = 11, equalAspect: Bool = false
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.points = points
        self.width = width
        self.height = height
        self.fontSize = fontSize
        self.equalAspect = equalAspect
    }

    public func svg() -> String { render().svg }

    /// Lays out the plot and writes it as a standalone SVG document.
    public func render() -> Rendering {
        let (left, right, top, bottom) = (62.0, 16.0, 44.0, 64.0)
        let area = Box(minX: left, minY: top, maxX: width - right, maxY: height - bottom)
        let shown = points.filter { $0.x.isFinite && $0.y.isFinite }
        let (xRange, yRange) = ranges(shown, area)
        let px = { (x: Double) in
            area.minX + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * (area.maxX - area.minX)
        }
        let py = { (y: Double) in
            area.maxY - (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * (area.maxY - area.minY)
        }
        let anchors = shown.map { (x: px($0.x), y: py($0.y)) }
        let placement = LabelPlacement(
            anchors: anchors, texts: shown.map(\.label), fontSize: fontSize,
            markerRadius: markerRadius, bounds: area)

        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(fmt(width / 2))" y="26" text-anchor="middle" font-size="16">\(Markup.escape(title))</text>

            """
        out += axes(area, xRange, yRange, px, py)
        out += "<g fill=\"#4c78a8\" fill-opacity=\"0.75\">\n"
        for a in anchors { out += "<circle cx=\"\(fmt(a.x))\" cy=\"\(fmt(a.y))\" r=\"\(fmt(markerRadius))\"/>\n" }
        out += "</g>\n<g stroke=\"#999\" stroke-width=\"0.6\">\n"
        for label in placement.labels where label.needsLeader {
            let a = anchors[label.index]
            let (ex, ey) = nearestPoint(on: label.box, to: a)
            out += "<line x1=\"\(fmt(a.x))\" y1=\"\(fmt(a.y))\" x2=\"\(fmt(ex))\" y2=\"\(fmt(ey))\"/>\n"
        }
        out += "</g>\n"
        // A white halo under each label, drawn as its own layer: renderers without SVG 2's
        // paint-order (WeasyPrint, older browsers) would paint it over the text.
        for (layer, style) in [
            ("halo", "fill=\"none\" stroke=\"white\" stroke-width=\"2.2\" stroke-linejoin=\"round\""),
            ("text", "fill=\"#1a1a1a\"")
        ] {
            out += "<g class=\"\(layer)\" font-size=\"\(fmt(fontSize))\" \(style)>\n"
            for label in placement.labels {
                let size = label.fontSize == fontSize ? "" : " font-size=\"\(fmt(label.fontSize))\""
                out +=
                    "<text x=\"\(fmt(label.x))\" y=\"\(fmt(label.y))\"\(size)>\(Markup.escape(shown[label.index].label ?? ""))</text>\n"
            }
            out += "</g>\n"
        }
        let labelled = shown.filter { $0.label.map { !$0.isEmpty } ?? false }.count
        var note = "\(shown.count) points, \(placement.labels.count) of \(labelled) labels shown"
        if placement.shrunk > 0 { note += ", \(placement.shrunk) in a smaller font" }
        if !placement.dropped.isEmpty { note += "; \(placement.dropped.count) left out (no free space)" }
        out +=
            "<text x=\"\(fmt(width - right))\" y=\"\(fmt(height - 8))\" text-anchor=\"end\" font-size=\"10\" fill=\"#666\">\(Markup.escape(note))</text>\n"
        return Rendering(svg: out + "</svg>\n", placement: placement)
    }

    /// The data ranges shown: the points' extent plus a margin, widened on one axis for equal scales.
    private func ranges(_ points: [Point], _ area: Box) -> (ClosedRange<Double>, ClosedRange<Double>) {
        func span(_ values: [Double]) -> (Double, Double) {
            guard var low = values.min(), var high = values.max() else { return (-1, 1) }
            if high - low < 1e-12 * max(1, abs(low)) { (low, high) = (low - 1, high + 1) }
            let pad = 0.04 * (high - low)
            return (low - pad, high + pad)
        }
        var (x0, x1) = span(points.map(\.x))
        var (y0, y1) = span(points.map(\.y))
        if equalAspect {
            let (w, h) = (area.maxX - area.minX, area.maxY - area.minY)
            let unitsPerPixel = max((x1 - x0) / w, (y1 - y0) / h)
            let (cx, cy) = ((x0 + x1) / 2, (y0 + y1) / 2)
            (x0, x1) = (cx - unitsPerPixel * w / 2, cx + unitsPerPixel * w / 2)
            (y0, y1) = (cy - unitsPerPixel * h / 2, cy + unitsPerPixel * h / 2)
        }
        return (x0...x1, y0...y1)
    }

    /// Frame, light grid, ticks with their values, and the axis titles.
    private func axes(
        _ area: Box, _ xRange: ClosedRange<Double>, _ yRange: ClosedRange<Double>,
        _ px: (Double) -> Double, _ py: (Double) -> Double
    ) -> String {
        let xTicks = AxisTicks.values(from: xRange.lowerBound, to: xRange.upperBound, log: false)
        let yTicks = AxisTicks.values(from: yRange.lowerBound, to: yRange.upperBound, log: false)
        var out = "<g stroke=\"#eee\" stroke-width=\"1\">\n"
        for x in xTicks {
            out += "<line x1=\"\(fmt(px(x)))\" y1=\"\(fmt(area.minY))\" x2=\"\(fmt(px(x)))\" y2=\"\(fmt(area.maxY))\"/>\n"
        }
        for y in yTicks {
            out += "<line x1=\"\(fmt(area.minX))\" y1=\"\(fmt(py(y)))\" x2=\"\(fmt(area.maxX))\" y2=\"\(fmt(py(y)))\"/>\n"
        }
        out += "</g>\n"
        out +=
            "<rect x=\"\(fmt(area.minX))\" y=\"\(fmt(area.minY))\" width=\"\(fmt(area.maxX - area.minX))\" height=\"\(fmt(area.maxY - area.minY))\" fill=\"none\" stroke=\"#333\"/>\n"
        out += "<g font-size=\"11\" fill=\"#333\">\n"
        for x in xTicks {
            out +=
                "<line x1=\"\(fmt(px(x)))\" y1=\"\(fmt(area.maxY))\" x2=\"\(fmt(px(x)))\" y2=\"\(fmt(area.maxY + 5))\" stroke=\"#333\"/>\n"
            out += "<text x=\"\(fmt(px(x)))\" y=\"\(fmt(area.maxY + 18))\" text-anchor=\"middle\">\(AxisTicks.label(x))</text>\n"
        }
        for y in yTicks {
            out +=
                "<line x1=\"\(fmt(area.minX - 5))\" y1=\"\(fmt(py(y)))\" x2=\"\(fmt(area.minX))\" y2=\"\(fmt(py(y)))\" stroke=\"#333\"/>\n"
            out += "<text x=\"\(fmt(area.minX - 8))\" y=\"\(fmt(py(y) + 4))\" text-anchor=\"end\">\(AxisTicks.label(y))</text>\n"
        }
        out += "</g>\n"
        let midX = (area.minX + area.maxX) / 2
        let midY = (area.minY + area.maxY) / 2
        out +=
            "<text x=\"\(fmt(midX))\" y=\"\(fmt(area.maxY + 38))\" text-anchor=\"middle\" font-size=\"12\">\(Markup.escape(xLabel))</text>\n"
        out +=
            "<text x=\"16\" y=\"\(fmt(midY))\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 16 \(fmt(midY)))\">\(Markup.escape(yLabel))</text>\n"
        return out
    }
}

/// The point of `box` closest to `p` (where a leader line from the marker ends).
private func nearestPoint(on box: Box, to p: (x: Double, y: Double)) -> (Double, Double) {
    (min(max(p.x, box.minX), box.maxX), min(max(p.y, box.minY), box.maxY))
}

/// Pixel coordinates with one decimal.
private func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
