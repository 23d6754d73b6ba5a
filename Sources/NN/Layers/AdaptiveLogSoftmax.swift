import Tensor

/// Adaptive softmax (Grave et al. 2017), PyTorch's `nn.AdaptiveLogSoftmaxWithLoss(inFeatures,
/// classes, cutoffs, div_value, head_bias)`: the frequent classes [0, cutoffs[0]) and one entry per
/// tail cluster share a head softmax; cluster i, classes [cutoffs[i], cutoffs[i+1]) (the last
/// ending at `classes`), has its own softmax behind a projection to inFeatures / divValue^(i+1)
/// features. log p(c) = head(c) for a head class, head(cluster) + tail_i(c) for a tail class, so
/// the log-probabilities over all classes sum to one.
///
/// State-dict names and shapes are PyTorch's: `head.weight` [cutoffs[0] + clusters, in] (and
/// `head.bias` with `headBias`), `tail.i.0.weight` [hidden_i, in], `tail.i.1.weight`
/// [classes_i, hidden_i]; every weight drawn as PyTorch's `Linear` draws it, U(±1/√fan_in), in
/// that order.
public final class AdaptiveLogSoftmaxWithLoss: Module {
    public let head: Linear
    public let tail: [AdaptiveTailCluster]
    public let inFeatures: Int
    public let classes: Int
    /// The cutoffs with `classes` appended: cluster i spans [cutoffs[i], cutoffs[i+1]).
    public let cutoffs: [Int]
    public let divValue: Float

    /// Classes of the head's own (the shortlist), cutoffs[0].
    public var shortlist: Int { cutoffs[0] }

    /// Validates the arguments first (`problem`); a configuration it names traps here.
    public init(
        inFeatures: Int, classes: Int, cutoffs: [Int], divValue: Float = 4, headBias: Bool = false,
        generator: RandomGenerator = .global
    ) {
        if let problem = Self.problem(inFeatures: inFeatures, classes: classes, cutoffs: cutoffs, divValue: divValue) {
            preconditionFailure("AdaptiveLogSoftmaxWithLoss: \(problem)")
        }
        (self.inFeatures, self.classes, self.divValue) = (inFeatures, classes, divValue)
        self.cutoffs = cutoffs + [classes]
        head = Linear(inFeatures, cutoffs[0] + cutoffs.count, bias: headBias, generator: generator)
        let all = cutoffs + [classes]
        tail = (0..<cutoffs.count).map { i in
            AdaptiveTailCluster(
                inFeatures: inFeatures, hidden: Self.hiddenSize(inFeatures: inFeatures, divValue: divValue, cluster: i),
                classes: all[i + 1] - all[i], generator: generator)
        }
    }

    /// PyTorch's projection width of cluster i: int(inFeatures // divValue^(i+1)).
    public static func hiddenSize(inFeatures: Int, divValue: Float, cluster: Int) -> Int {
        let divisor = (0...cluster).reduce(1.0) { product, _ in product * Double(divValue) }
        return Int((Double(inFeatures) / divisor).rounded(.down))
    }

    /// A one-line problem with these arguments, or nil: cutoffs not strictly increasing, below 1
    /// or not below `classes`; a divValue that is not a finite number ≥ 1; a cluster projected
    /// to no features.
    public static func problem(inFeatures: Int, classes: Int, cutoffs: [Int], divValue: Float) -> String? {
        guard !cutoffs.isEmpty else { return "--cutoffs needs at least one cutoff" }
        if let bad = cutoffs.first(where: { $0 <= 0 }) { return "--cutoffs must be positive, got \(bad)" }
        if let i = cutoffs.indices.dropFirst().first(where: { cutoffs[$0] <= cutoffs[$0 - 1] }) {
            return "--cutoffs must be strictly increasing, got \(cutoffs[i - 1]) then \(cutoffs[i])"
        }
        if let bad = cutoffs.first(where: { $0 >= classes }) {
            return "--cutoffs must be below the vocabulary size \(classes), got \(bad)"
        }
        guard divValue.isFinite, divValue >= 1 else { return "--div-value must be a number ≥ 1, got \(divValue)" }
        for i in cutoffs.indices where hiddenSize(inFeatures: inFeatures, divValue: divValue, cluster: i) < 1 {
            return
                "--div-value \(divValue) leaves tail cluster \(i) no features (\(inFeatures) / \(divValue)^\(i + 1) < 1); lower it or use fewer cutoffs"
        }
        return nil
    }

    /// The head's target for each class: the class itself in the shortlist, else its cluster's entry.
    func headTarget(_ t: Int) -> Int { t < shortlist ? t : shortlist + cluster(of: t) }

    /// The tail cluster of a class ≥ shortlist.
    func cluster(of t: Int) -> Int {
        var i = 0
        while t >= cutoffs[i + 1] { i += 1 }
        return i
    }

    /// Rows (into `targets`) whose target falls in each tail cluster, with the target's position in
    /// the cluster; rows whose target is `ignoreIndex` are in none.
    func clusterRows(_ targets: [Int], ignoreIndex: Int?) -> [(rows: [Int], relative: [Int])] {
        var result = [(rows: [Int], relative: [Int])](repeating: ([], []), count: tail.count)
        for (r, t) in targets.enumerated() where t != ignoreIndex && t >= shortlist {
            let i = cluster(of: t)
            result[i].rows.append(r)
            result[i].relative.append(t - cutoffs[i])
        }
        return result
    }

    func checkTargets(_ x: Tensor, _ targets: [Int], ignoreIndex: Int?, op: String) {
        precondition(
            x.rank == 2 && x.shape[1] == inFeatures && x.shape[0] == targets.count,
            "\(op): input \(x.shape) does not match \(targets.count) targets × \(inFeatures) features")
        for t in targets where t != ignoreIndex {
            precondition(t >= 0 && t < classes, "\(op): target \(t) out of range for \(classes) classes")
        }
    }

    /// The mean negative log-likelihood of `targets` (N of them) under the model, x [N, in] → [];
    /// rows whose target is `ignoreIndex` do not count (all ignored: NaN). PyTorch's `loss`.
    ///
    /// Each softmax runs only over the rows that need it and is fused with its loss
    /// (`linearCrossEntropy`: the logits never get a buffer of their own): the head over every
    /// row, against the class or the cluster entry; cluster i's projection and softmax over the
    /// rows whose target is in it. The sum of these cross-entropies is the sum of −log p(target).
    public func loss(_ x: Tensor, targets: [Int], ignoreIndex: Int? = nil) -> Tensor {
        checkTargets(x, targets, ignoreIndex: ignoreIndex, op: "AdaptiveLogSoftmaxWithLoss.loss")
        let used = targets.reduce(0) { $0 + ($1 == ignoreIndex ? 0 : 1) }
        let headTargets = targets.map { $0 == ignoreIndex ? $0 : headTarget($0) }
        let headLoss = Tensor.linearCrossEntropy(
            x, weight: head.weight, bias: head.bias, targets: headTargets, ignoreIndex: ignoreIndex)
        guard used > 0 else { return headLoss }
        var total = headLoss
        for (i, members) in clusterRows(targets, ignoreIndex: ignoreIndex).enumerated() where !members.rows.isEmpty {
            let hidden = tail[i].projection(x.indexSelect(axis: 0, members.rows))
            let clusterLoss = Tensor.linearCrossEntropy(
                hidden, weight: tail[i].output.weight, bias: nil, targets: members.relative)
            // Both means are per row: weigh the cluster's by its share of the counted rows.
            total = total + clusterLoss * (Float(members.rows.count) / Float(used))
        }
        return total
    }

    /// PyTorch's forward: the log-probability of each target, [N], and their negated mean, the
    /// loss. x [N, in], N targets; an ignored target's entry is 0 and it does not count in the loss.
    public func callAsFunction(_ x: Tensor, targets: [Int], ignoreIndex: Int? = nil) -> (output: Tensor, loss: Tensor) {
        checkTargets(x, targets, ignoreIndex: ignoreIndex, op: "AdaptiveLogSoftmaxWithLoss")
        let n = x.shape[0]
        let width = head.weight.shape[0]
        let headLog = head(x).logSoftmax()
        let counted = targets.indices.filter { targets[$0] != ignoreIndex }
        // The head's term of every counted row, and 0 for the others (the last entry).
        let headPicked = Tensor.concat(
            [
                headLog.reshaped([n * width]).indexSelect(axis: 0, counted.map { $0 * width + headTarget(targets[$0]) }),
                Tensor.zeros([1])
            ],
            axis: 0)
        var slot = [Int](repeating: counted.count, count: n)
        for (k, r) in counted.enumerated() { slot[r] = k }
        var output = headPicked.indexSelect(axis: 0, slot)
        // The tail terms, gathered the same way into place.
        var tailTerms: [Tensor] = []
        var tailSlot = [Int](repeating: -1, count: n)
        var offset = 0
        for (i, members) in clusterRows(targets, ignoreIndex: ignoreIndex).enumerated() where !members.rows.isEmpty {
            let classesHere = cutoffs[i + 1] - cutoffs[i]
            let log = tail[i](x.indexSelect(axis: 0, members.rows)).logSoftmax()
            tailTerms.append(
                log.reshaped([members.rows.count * classesHere]).indexSelect(
                    axis: 0, members.relative.enumerated().map { $0.offset * classesHere + $0.element }))
            for (k, r) in members.rows.enumerated() { tailSlot[r] = offset + k }
            offset += members.rows.count
        }
        if offset > 0 {
            let gathered = Tensor.concat(tailTerms + [Tensor.zeros([1])], axis: 0)
            output = output + gathered.indexSelect(axis: 0, tailSlot.map { $0 < 0 ? offset : $0 })
        }
        let loss = -output.sum() / Float(counted.count)
        return (output, loss)
    }

    /// The full log-distribution, x [N, in] → [N, classes]: each row's log-probabilities of every
    /// class (they sum to one), for exact evaluation and sampling. PyTorch's `log_prob`.
    public func logProbabilities(_ x: Tensor) -> Tensor {
        precondition(
            x.rank == 2 && x.shape[1] == inFeatures,
            "AdaptiveLogSoftmaxWithLoss.logProbabilities: input \(x.shape) does not have \(inFeatures) features")
        let headLog = head(x).logSoftmax()
        var parts = [headLog.slice(axis: 1, 0..<shortlist)]
        for i in tail.indices {
            parts.append(tail[i](x).logSoftmax() + headLog.slice(axis: 1, (shortlist + i)..<(shortlist + i + 1)))
        }
        return Tensor.concat(parts, axis: 1)
    }
}

/// One tail cluster of an adaptive softmax, PyTorch's `Sequential(Linear(in, hidden, bias=False),
/// Linear(hidden, classes, bias=False))`: state-dict names `0.weight` [hidden, in] and
/// `1.weight` [classes, hidden].
public final class AdaptiveTailCluster: Module {
    public let projection: Linear
    public let output: Linear

    init(inFeatures: Int, hidden: Int, classes: Int, generator: RandomGenerator) {
        projection = Linear(inFeatures, hidden, bias: false, generator: generator)
        output = Linear(hidden, classes, bias: false, generator: generator)
    }

    override public func children() -> [(String, Module)] { [("0", projection), ("1", output)] }

    /// The cluster's logits, x [N, in] → [N, classes].
    public func callAsFunction(_ x: Tensor) -> Tensor { output(projection(x)) }
}
