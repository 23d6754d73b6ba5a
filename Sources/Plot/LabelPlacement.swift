/// An axis-aligned box in SVG pixel coordinates (y grows downwards).
public struct Box: Equatable, Sendable {
    public var minX: Double, minY: Double, maxX: Double, maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        (self.minX, self.minY, self.maxX, self.maxY) = (minX, minY, maxX, maxY)
    }

    /// True when the two boxes share interior area.
    public func overlaps(_ other: Box) -> Bool {
        minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
    }

    func contains(_ other: Box) -> Bool {
        other.minX >= minX && other.maxX <= maxX && other.minY >= minY && other.maxY <= maxY
    }
}

/// Greedy placement of point labels that never overlap one another.
///
/// Labels are placed in the order given (most important first). For each, candidate boxes are
/// tried around its point: the eight compass positions next to the marker, then the same eight
/// further out (drawn with a leader line). Candidates that leave the plot area or overlap a placed
/// label are ruled out; of the rest the one covering the fewest markers wins, nearer rings and the
/// usual reading positions (right, left, above, below, then diagonals) breaking ties. When nothing
/// fits, the label is tried again at `shrink` times the font size, and dropped only when that fails.
public struct LabelPlacement: Sendable {
    /// One placed label: its text's box, the baseline-left corner to draw it at, and its font size.
    public struct Label: Sendable {
        public let index: Int
        public let box: Box
        public let x: Double, y: Double
        public let fontSize: Double
        /// True when the label sits away from its marker (draw a line to it).
        public let needsLeader: Bool
    }

    public private(set) var labels: [Label] = []
    /// Indices of labels that fit nowhere.
    public private(set) var dropped: [Int] = []
    /// How many labels were drawn smaller.
    public private(set) var shrunk = 0

    /// Places `texts[i]` next to `anchors[i]` inside `bounds`; nil texts are markers without a label.
    public init(
        anchors: [(x: Double, y: Double)], texts: [String?], fontSize: Double, markerRadius: Double,
        bounds: Box, shrink: Double = 0.8, spatialCell: Double = 40
    ) {
        var grid = BoxGrid(bounds: bounds, cell: spatialCell)
        var markers = BoxGrid(bounds: bounds, cell: spatialCell)
        for a in anchors {
            markers.insert(
                Box(minX: a.x - markerRadius, minY: a.y - markerRadius, maxX: a.x + markerRadius, maxY: a.y + markerRadius))
        }
        for (i, text) in texts.enumerated() {
            guard let text, !text.isEmpty, i < anchors.count else { continue }
            var placed: Label?
            for size in [fontSize, fontSize * shrink] {
                placed = Self.best(i, text, anchors[i], size, markerRadius, bounds, grid, markers)
                if placed != nil {
                    if size != fontSize { shrunk += 1 }
                    break
                }
            }
            if let placed {
                labels.append(placed)
                grid.insert(placed.box)
            } else {
                dropped.append(i)
            }
        }
    }

    /// The best free candidate box for one label, if any.
    private static func best(
        _ index: Int, _ text: String, _ anchor: (x: Double, y: Double), _ size: Double,
        _ radius: Double, _ bounds: Box, _ labels: BoxGrid, _ markers: BoxGrid
    ) -> Label? {
        let width = textWidth(text, fontSize: size)
        let (ascent, descent) = (0.8 * size, 0.25 * size)
        let height = ascent + descent
        // Directions in reading preference: right, left, above, below, then the diagonals.
        let directions: [(Double, Double)] = [(1, 0), (-1, 0), (0, -1), (0, 1), (1, -1), (-1, -1), (1, 1), (-1, 1)]
        var choice: (cost: Double, label: Label)?
        for (ring, gap) in [radius + 2, radius + 2 + height].enumerated() {
            for (order, (dx, dy)) in directions.enumerated() {
                // The box touches the marker's gap circle on the side (dx, dy) points to.
                let diagonal = dx != 0 && dy != 0 ? 0.7 : 1
                let minX = dx > 0 ? anchor.x + gap * diagonal : dx < 0 ? anchor.x - gap * diagonal - width : anchor.x - width / 2
                let minY =
                    dy > 0 ? anchor.y + gap * diagonal : dy < 0 ? anchor.y - gap * diagonal - height : anchor.y - height / 2
                let box = Box(minX: minX, minY: minY, maxX: minX + width, maxY: minY + height)
                guard bounds.contains(box), !labels.anyOverlap(box, padding: 1) else { continue }
                let covered = markers.overlapCount(box)
                let cost = Double(covered) * 3 + Double(ring) * 4 + Double(order) * 0.1
                if choice == nil || cost < choice!.cost {
                    choice = (
                        cost,
                        Label(
                            index: index, box: box, x: box.minX, y: box.minY + ascent, fontSize: size,
                            needsLeader: ring > 0)
                    )
                }
            }
            if let choice, choice.cost < 1 { return choice.label }  // a free spot right beside the marker
        }
        return choice?.label
    }

    /// Estimated width of `text` in a sans-serif font (DejaVu Sans-like widths in ems): there are
    /// no font metrics in an SVG writer, so err on the wide side.
    public static func textWidth(_ text: String, fontSize: Double) -> Double {
        var ems = 0.0
        for scalar in text.unicodeScalars {
            switch scalar {
            case "i", "j", "l", "'", "|", ".", ",", ":", ";", "!": ems += 0.30
            case "f", "t", "r", " ", "(", ")", "[", "]", "-": ems += 0.42
            case "m", "w", "M", "W", "@", "%": ems += 0.95
            case "A"..."Z", "&", "#", "<", ">": ems += 0.74
            case "0"..."9", "a"..."z", "$", "*", "+", "=", "?", "_", "/", "\\": ems += 0.62
            default: ems += scalar.isASCII ? 0.62 : 0.8
            }
        }
        return ems * fontSize
    }
}

/// Boxes bucketed in a uniform grid of square cells, for overlap queries in about constant time.
struct BoxGrid {
    private let bounds: Box
    private let cell: Double
    private let columns: Int, rows: Int
    private var buckets: [[Int]]
    private var boxes: [Box] = []

    init(bounds: Box, cell: Double) {
        self.bounds = bounds
        self.cell = max(cell, 1)
        columns = max(1, Int(((bounds.maxX - bounds.minX) / self.cell).rounded(.up)))
        rows = max(1, Int(((bounds.maxY - bounds.minY) / self.cell).rounded(.up)))
        buckets = Array(repeating: [], count: columns * rows)
    }

    private func cells(_ box: Box) -> (ClosedRange<Int>, ClosedRange<Int>) {
        func clamp(_ v: Double, _ limit: Int) -> Int { min(limit - 1, max(0, Int(v / cell))) }
        let c0 = clamp(box.minX - bounds.minX, columns)
        let c1 = clamp(box.maxX - bounds.minX, columns)
        let r0 = clamp(box.minY - bounds.minY, rows)
        let r1 = clamp(box.maxY - bounds.minY, rows)
        return (c0...c1, r0...r1)
    }

    mutating func insert(_ box: Box) {
        let (cs, rs) = cells(box)
        for r in rs { for c in cs { buckets[r * columns + c].append(boxes.count) } }
        boxes.append(box)
    }

    /// True when `box`, grown by `padding` on every side, overlaps a stored box.
    func anyOverlap(_ box: Box, padding: Double) -> Bool {
        let grown = Box(minX: box.minX - padding, minY: box.minY - padding, maxX: box.maxX + padding, maxY: box.maxY + padding)
        let (cs, rs) = cells(grown)
        for r in rs { for c in cs { for b in buckets[r * columns + c] where boxes[b].overlaps(grown) { return true } } }
        return false
    }

    /// How many stored boxes overlap `box` (each counted once).
    func overlapCount(_ box: Box) -> Int {
        let (cs, rs) = cells(box)
        var seen = Set<Int>()
        for r in rs { for c in cs { for b in buckets[r * columns + c] where boxes[b].overlaps(box) { seen.insert(b) } } }
        return seen.count
    }
}
