import NN
import Tensor

/// An adaptive softmax decoder's shape (`--adaptive --cutoffs A,B,… --div-value D`): PyTorch's
/// `AdaptiveLogSoftmaxWithLoss(features, vocabulary, cutoffs, div_value)` without a head bias.
public struct AdaptiveSoftmaxConfig: Codable, Equatable, Sendable {
    /// The first word id of each tail cluster; the head keeps the words below the first.
    public var cutoffs: [Int]
    /// Cluster i projects the features to features / divValue^(i+1).
    public var divValue: Float

    public init(cutoffs: [Int], divValue: Float = 4) { (self.cutoffs, self.divValue) = (cutoffs, divValue) }

    /// Tail clusters a model may have (far above any useful split; bounds the checks' work).
    public static let maxClusters = 64

    /// A one-line problem when a decoder over `vocabularySize` words reading `inFeatures` features
    /// cannot have this shape, else nil.
    public func problem(inFeatures: Int, vocabularySize: Int) -> String? {
        guard cutoffs.count <= Self.maxClusters else {
            return "--cutoffs gives \(cutoffs.count) tail clusters, more than the \(Self.maxClusters) a model can have"
        }
        return AdaptiveLogSoftmaxWithLoss.problem(
            inFeatures: inFeatures, classes: vocabularySize, cutoffs: cutoffs, divValue: divValue)
    }

    /// The decoder (validated configuration), weights drawn as PyTorch draws them.
    func make(inFeatures: Int, vocabularySize: Int, generator: RandomGenerator) -> AdaptiveLogSoftmaxWithLoss {
        AdaptiveLogSoftmaxWithLoss(
            inFeatures: inFeatures, classes: vocabularySize, cutoffs: cutoffs, divValue: divValue, generator: generator)
    }
}
