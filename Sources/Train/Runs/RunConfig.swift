import Models

/// What a run folder's config.json holds: the data, the model's shape, the training options and
/// the number of trainable parameters (`perplex train` writes it; readers also accept files
/// without the optional fields).
public struct RunConfig: Codable, Equatable, Sendable {
    /// The data folder, or "built-in".
    public var data: String
    /// Training sentences of the built-in corpus (nil with a data folder).
    public var builtinSentences: Int?
    /// The checkpoint training went on from (`--resume`).
    public var resume: String?
    /// Processes of a data-parallel run.
    public var ranks: Int?
    public var model: ModelConfig
    public var training: TrainOptions
    /// Trainable parameters (a tied weight counted once).
    public var parameters: Int?

    public init(
        data: String, builtinSentences: Int? = nil, resume: String? = nil, ranks: Int? = nil,
        model: ModelConfig, training: TrainOptions, parameters: Int?
    ) {
        self.data = data
        self.builtinSentences = builtinSentences
        self.resume = resume
        self.ranks = ranks
        self.model = model
        self.training = training
        self.parameters = parameters
    }
}
