/// One row of a results table: a run's settings and what it measured.
public struct RunResult: Codable, Equatable, Sendable {
    /// Where the run stands.
    public enum Status: String, Codable, Sendable {
        /// Trained to its last epoch and tested.
        case finished
        /// The training process failed (bad data, diverged loss, crash).
        case failed
        /// Not run yet, or stopped early; a resumed sweep trains it again.
        case unfinished
    }

    /// The run folder's name.
    public var name: String
    /// The values that tell the run apart (a sweep's grid settings), in column order.
    public var settings: [SweepSetting]
    public var status: Status
    public var parameters: Int?
    public var epochs: Int
    public var secondsPerEpoch: Double?
    public var bestValidPerplexity: Double?
    public var testPerplexity: Double?
    /// Why a failed run failed, when known.
    public var message: String?

    enum CodingKeys: String, CodingKey {
        case name, settings, status, parameters, epochs, message
        case secondsPerEpoch = "seconds_per_epoch"
        case bestValidPerplexity = "best_valid_ppl"
        case testPerplexity = "test_ppl"
    }

    public init(
        name: String, settings: [SweepSetting], status: Status, parameters: Int? = nil, epochs: Int = 0,
        secondsPerEpoch: Double? = nil, bestValidPerplexity: Double? = nil, testPerplexity: Double? = nil,
        message: String? = nil
    ) {
        self.name = name
        self.settings = settings
        self.status = status
        self.parameters = parameters
        self.epochs = epochs
        self.secondsPerEpoch = secondsPerEpoch
        self.bestValidPerplexity = bestValidPerplexity
        self.testPerplexity = testPerplexity
        self.message = message
    }

    /// The row of a run read from its folder: finished when its test result was recorded after
    /// training ran to the end, else unfinished.
    public init(name: String, settings: [SweepSetting], record: RunRecord) {
        self.init(
            name: name, settings: settings, status: record.finished ? .finished : .unfinished,
            parameters: record.parameters, epochs: record.epochs.count, secondsPerEpoch: record.secondsPerEpoch,
            bestValidPerplexity: record.bestValidPerplexity, testPerplexity: record.test?.perplexity)
    }
}
