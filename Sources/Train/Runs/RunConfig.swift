import Models

/// What a run folder's config.json holds: the data, the model's shape, the training options and
/// the number of trainable parameters (`perplex train` writes it; readers also accept files
/// without `parameters`).
public struct RunConfig: Codable, Equatable, Sendable {
    /// The data folder, or "built-in".
    public var data: String
    public var model: ModelConfig
    public var training: TrainOptions
    /// Trainable parameters (a tied weight counted once).
    public var parameters: Int?

    public init(data: String, model: ModelConfig, training: TrainOptions, parameters: Int?) {
        self.data = data
        self.model = model
        self.training = training
        self.parameters = parameters
    }
}
