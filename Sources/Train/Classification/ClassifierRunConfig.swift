import Models

/// What a classifier run folder's config.json holds.
public struct ClassifierRunConfig: Codable, Equatable, Sendable {
    public var train: String
    public var test: String?
    public var dev: String?
    /// Pretrained vectors (.vec) the embedding started from.
    public var vectors: String?
    /// Folds of a cross-validation (nil with a test file).
    public var folds: Int?
    public var labels: [Int]
    public var model: ClassifierConfig
    public var training: ClassifierOptions

    public init(
        train: String, test: String?, dev: String?, vectors: String?, folds: Int?, labels: [Int], model: ClassifierConfig,
        training: ClassifierOptions
    ) {
        (self.train, self.test, self.dev, self.vectors, self.folds) = (train, test, dev, vectors, folds)
        (self.labels, self.model, self.training) = (labels, model, training)
    }
}
