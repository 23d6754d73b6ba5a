extension WordVectors {
    /// The vectors' own coordinates x₀, y₀, x₁, y₁, … (2·`count` values) when they have exactly two
    /// dimensions, else nil. Such vectors (a model trained with `--emsize 2`, as in report 004's
    /// section 3.5) are drawn as they are: PCA would only rotate them, and t-SNE would redraw
    /// their distances, when the point is to see the plane the model learnt.
    public var planeCoordinates: [Double]? {
        guard dimension == 2 else { return nil }
        return (0..<2 * count).map { Double(matrix.pointer[$0]) }
    }
}
