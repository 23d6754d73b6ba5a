import Foundation

/// A minimal SVG line chart: named series of (x, y) points on shared axes, optional log-scale x
/// and y (log-log for rank–frequency plots); non-positive values are left out of a log axis.
public struct LineChart {
    public struct Series {
        public var name: String
        public var points: [(x: Double, y: Double)]
        /// A CSS colour; nil takes the next colour of the chart's palette.
        public var color: String?
        /// Draw the line dashed (e.g. training beside a solid validation curve of the same colour).
        public var dashed: Bool
        /// List the series in the legend.
        public var inLegend: Bool
        public init(
            name: String, points: [(x: Double, y: Double)], color: String? = nil, dashed: Bool = false,
            inLegend: Bool = true
        ) {
            self.name = name
            self.points = points
            self.color = color
            self.dashed = dashed
            self.inLegend = inLegend
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var logX: Bool
    public var logY: Bool
    public var series: [Series]
    /// Put the legend in a column right of the plot (for many or long names) instead of inside it.
    public var legendOnRight: Bool

    public init(
        title: String, xLabel: String, yLabel: String, logX: Bool = false, logY: Bool = false, series: [Series],
        legendOnRight: Bool = false
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logX = logX
        self.logY = logY
        self.series = series
        self.legendOnRight = legendOnRight
    }

    /// The palette series without a colour of their own take in turn.
    public static let colors = [
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
        "#bcbd22", "#17becf"
    ]

    /// Legend names longer than this are cut (with an ellipsis).
    static let legendCharacters = 48

    /// The chart as a standalone SVG document (640×400, wider with the legend on the right).
    public func svg() -> String {
        let (width, height, left, right, top, bottom) = (640.0, 400.0, 70.0, 20.0, 40.0, 50.0)
        let names = series.map {
            $0.name.count > Self.legendCharacters ? String($0.name.prefix(Self.legendCharacters - 1)) + "…" : $0.name
        }
        let legend = series.indices.filter { series[$0].inLegend }
        let legendWidth = legendOnRight ? 50 + 7 * Double(legend.map { names[$0].count }.max() ?? 0) : 0
        let (logX, logY) = (self.logX, self.logY)
        let plottable = { (p: (x: Double, y: Double)) in p.x.isFinite && p.y.isFinite && (!logX || p.x > 0) && (!logY || p.y > 0)
        }
        let finite = series.flatMap(\.points).filter(plottable)
        let tx: (Double) -> Double = { logX ? Foundation.log10($0) : $0 }
        let ty: (Double) -> Double = { logY ? Foundation.log10($0) : $0 }
        let xs = finite.map { tx($0.x) }
        let ys = finite.map { ty($0.y) }
        var (x0, x1) = (xs.min() ?? 0, xs.max() ?? 1)
        var (y0, y1) = (ys.min() ?? 0, ys.max() ?? 1)
        if x1 <= x0 {
            x0 -= 0.5
            x1 += 0.5
        }
        if y1 <= y0 {
            y0 -= 0.5
            y1 += 0.5
        }
        let integerX = finite.allSatisfy { $0.x == $0.x.rounded() }
        (x0, x1) = AxisTicks.widened(x0, x1, log: logX, integers: integerX)
        (y0, y1) = AxisTicks.widened(y0, y1, log: logY)
        let px = { (x: Double) in left + (tx(x) - x0) / (x1 - x0) * (width - left - right) }
        let py = { (y: Double) in height - bottom - (ty(y) - y0) / (y1 - y0) * (height - top - bottom) }
        // The viewBox lets a page scale the chart down to a narrow window instead of cropping it.
        let (svgWidth, svgHeight) = (Int(width + legendWidth), Int(max(height, top + 16 * Double(legend.count) + 10)))
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(svgWidth)" height="\(svgHeight)" viewBox="0 0 \(svgWidth) \(svgHeight)" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(width / 2)" y="20" text-anchor="middle" font-size="14">\(Self.escape(title))</text>
            <text x="\(width / 2)" y="\(height - 10)" text-anchor="middle">\(Self.escape(xLabel))</text>
            <text x="15" y="\(height / 2)" text-anchor="middle" transform="rotate(-90 15 \(height / 2))">\(Self.escape(yLabel))</text>

            """
        for value in AxisTicks.values(from: y0, to: y1, log: logY) {
            let y = py(value)
            out += "<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(width - right)\" y2=\"\(y)\" stroke=\"#e4e4e4\"/>\n"
            out += "<text x=\"\(left - 5)\" y=\"\(y + 4)\" text-anchor=\"end\">\(AxisTicks.label(value))</text>\n"
        }
        for value in AxisTicks.values(from: x0, to: x1, log: logX, integers: integerX) {
            let x = px(value)
            out += "<line x1=\"\(x)\" y1=\"\(top)\" x2=\"\(x)\" y2=\"\(height - bottom)\" stroke=\"#e4e4e4\"/>\n"
            out += "<text x=\"\(x)\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(AxisTicks.label(value))</text>\n"
        }
        out +=
            "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - right)\" y2=\"\(height - bottom)\" stroke=\"black\"/>\n"
        out += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(height - bottom)\" stroke=\"black\"/>\n"
        for (k, s) in series.enumerated() {
            let color = Markup.escape(s.color ?? Self.colors[k % Self.colors.count])
            let dash = s.dashed ? " stroke-dasharray=\"6 4\"" : ""
            let points = s.points.filter(plottable)
            let path = points.map { String(format: "%.1f,%.1f", px($0.x), py($0.y)) }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash) points=\"\(path)\"/>\n"
            if points.count == 1, let p = points.first {
                out += "<circle cx=\"\(px(p.x))\" cy=\"\(py(p.y))\" r=\"3\" fill=\"\(color)\"/>\n"
            }
            guard let row = legend.firstIndex(of: k) else { continue }
            if legendOnRight {
                let (x, y) = (width - right + 20, top + 16 * Double(row) + 4)
                out +=
                    "<line x1=\"\(x)\" y1=\"\(y)\" x2=\"\(x + 24)\" y2=\"\(y)\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>\n"
                out += "<text x=\"\(x + 30)\" y=\"\(y + 4)\">\(Self.escape(names[k]))</text>\n"
            } else {
                out +=
                    "<text x=\"\(width - right - 5)\" y=\"\(top + 15 * Double(row + 1))\" text-anchor=\"end\" fill=\"\(color)\">\(Self.escape(names[k]))</text>\n"
            }
        }
        return out + "</svg>\n"
    }

    static func escape(_ s: String) -> String { Markup.escape(s) }
}
