import Analysis
import Foundation
import Plot
import Tensor
import Testing

/// Vectors with two dimensions are drawn as they are: their coordinates are the plot's, no projection.
@Suite struct PlaneCoordinatesTests {
    static let words = ["the", "of", "stocks", "bonds", "did", "does", "do"]
    static let values: [Float] = [0.5, -1, 2, 3.25, -0.75, 0, 1.5, 1, -2, -2.5, 4, 0.125, 3, -1.5]

    @Test func twoDimensionalVectorsAreTheirOwnCoordinates() throws {
        let vectors = try WordVectors(words: Self.words, matrix: Tensor(shape: [7, 2], Self.values))
        #expect(vectors.planeCoordinates == Self.values.map(Double.init))
        let three = try WordVectors(words: ["a", "b"], matrix: Tensor(shape: [2, 3], [1, 2, 3, 4, 5, 6]))
        #expect(three.planeCoordinates == nil)
    }

    /// Each circle of the plot sits at a + b·x, c − d·y (b, d > 0) of its own vector: the drawing
    /// scales each axis, and a projection (PCA's rotation, t-SNE) would break the line.
    @Test func thePlotDrawsEachWordAtItsOwnCoordinates() throws {
        let vectors = try WordVectors(words: Self.words, matrix: Tensor(shape: [7, 2], Self.values))
        let xy = try #require(vectors.planeCoordinates)
        let points = vectors.words.indices.map { ScatterPlot.Point(x: xy[2 * $0], y: xy[2 * $0 + 1], label: vectors.words[$0]) }
        let svg = ScatterPlot(title: "2-D embedding", points: points).svg()
        let circles = svg.split(separator: "\n").filter { $0.hasPrefix("<circle") }.map { line -> (Double, Double) in
            func attribute(_ name: String) -> Double {
                let start = line.range(of: "\(name)=\"")!.upperBound
                return Double(line[start...].prefix { $0 != "\"" })!
            }
            return (attribute("cx"), attribute("cy"))
        }
        try #require(circles.count == 7)
        let (x, y) = (
            Self.values.enumerated().filter { $0.offset % 2 == 0 }.map { Double($0.element) },
            Self.values.enumerated().filter { $0.offset % 2 == 1 }.map { Double($0.element) }
        )
        // The slopes from the two words farthest apart on each axis (positions are written to 0.1 pixel).
        func line(_ values: [Double], _ drawn: [Double]) -> (Double) -> Double {
            let (low, high) = (values.indices.min { values[$0] < values[$1] }!, values.indices.max { values[$0] < values[$1] }!)
            let slope = (drawn[high] - drawn[low]) / (values[high] - values[low])
            return { drawn[low] + slope * ($0 - values[low]) }
        }
        let (px, py) = (line(x, circles.map(\.0)), line(y, circles.map(\.1)))
        #expect(px(1) > px(0) && py(1) < py(0), "x grows rightwards, y upwards")
        for i in 0..<7 {
            #expect(abs(circles[i].0 - px(x[i])) < 0.2, "word \(i): x drawn at \(circles[i].0), its line says \(px(x[i]))")
            #expect(abs(circles[i].1 - py(y[i])) < 0.2, "word \(i): y drawn at \(circles[i].1), its line says \(py(y[i]))")
        }
    }
}
