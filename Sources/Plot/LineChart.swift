import Foundation

/// A minimal SVG line chart: named series of (x, y) points on shared axes, optional log-scale x
/// and y (log-log for rank–frequency plots); non-positive values are left out of a log axis.
public struct LineChart {
    public struct Series {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public init(name: String, points: [(x: Double, y: Double)]) {
            self.name = name
            self.points = points
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var logX: Bool
    public var logY: Bool
    public var series: [Series]

    public init(title: String, xLabel: String, yLabel: String, logX: Bool = false, logY: Bool = false, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logX = logX
        self.logY = logY
        self.series = series
    }

    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]

    /// The chart as a standalone SVG document (640×400).
    public func svg() -> String {
        let (width, height, left, right, top, bottom) = (640.0, 400.0, 70.0, 20.0, 40.0, 50.0)
        let (logX, logY) = (self.logX, self.logY)
        let plottable = { (p: (x: Double, y: Double)) in p.x.isFinite && p.y.isFinite && (!logX || p.x > 0) && (!logY || p.y > 0) }
        let finite = series.flatMap(\.points).filter(plottable)
        let tx: (Double) -> Double = { logX ? Foundation.log10($0) : $0 }
        let ty: (Double) -> Double = { logY ? Foundation.log10($0) : $0 }
        let xs = finite.map { tx($0.x) }, ys = finite.map { ty($0.y) }
        var (x0, x1) = (xs.min() ?? 0, xs.max() ?? 1)
        var (y0, y1) = (ys.min() ?? 0, ys.max() ?? 1)
        if x1 <= x0 { x1 = x0 + 1 }
        if y1 <= y0 { y0 -= 0.5; y1 += 0.5 }
        let px = { (x: Double) in left + (tx(x) - x0) / (x1 - x0) * (width - left - right) }
        let py = { (y: Double) in height - bottom - (ty(y) - y0) / (y1 - y0) * (height - top - bottom) }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(width / 2)" y="20" text-anchor="middle" font-size="14">\(Self.escape(title))</text>
            <line x1="\(left)" y1="\(height - bottom)" x2="\(width - right)" y2="\(height - bottom)" stroke="black"/>
            <line x1="\(left)" y1="\(top)" x2="\(left)" y2="\(height - bottom)" stroke="black"/>
            <text x="\(width / 2)" y="\(height - 10)" text-anchor="middle">\(Self.escape(xLabel))</text>
            <text x="15" y="\(height / 2)" text-anchor="middle" transform="rotate(-90 15 \(height / 2))">\(Self.escape(yLabel))</text>

            """
        for i in 0...4 {
            let fy = y0 + (y1 - y0) * Double(i) / 4
            let value = logY ? Foundation.pow(10, fy) : fy
            let y = height - bottom - Double(i) / 4 * (height - top - bottom)
            out += "<text x=\"\(left - 5)\" y=\"\(y + 4)\" text-anchor=\"end\">\(Self.format(value))</text>\n"
            let fx = x0 + (x1 - x0) * Double(i) / 4
            let xValue = logX ? Foundation.pow(10, fx) : fx
            out += "<text x=\"\(px(xValue))\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(Self.format(xValue))</text>\n"
        }
        for (k, s) in series.enumerated() {
            let color = Self.colors[k % Self.colors.count]
            let points = s.points.filter(plottable)
            let path = points.map { String(format: "%.1f,%.1f", px($0.x), py($0.y)) }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(path)\"/>\n"
            if points.count == 1, let p = points.first {
                out += "<circle cx=\"\(px(p.x))\" cy=\"\(py(p.y))\" r=\"3\" fill=\"\(color)\"/>\n"
            }
            out += "<text x=\"\(width - right - 5)\" y=\"\(top + 15 * Double(k + 1))\" text-anchor=\"end\" fill=\"\(color)\">\(Self.escape(s.name))</text>\n"
        }
        return out + "</svg>\n"
    }

    static func format(_ v: Double) -> String {
        abs(v) >= 1000 || v == v.rounded() ? String(format: "%.0f", v) : String(format: "%.2f", v)
    }

    static func escape(_ s: String) -> String { xmlEscaped(s) }
}
