extension Tensor {
    /// For every step of `values` [T, batch, features] (T time steps of `batch` independent
    /// columns), the mean of the latest segment of its column that has ended at or before that step.
    ///
    /// A segment ends at every step whose entry of `ends` ([T·batch], laid out [T, batch]) is true
    /// and holds that step and the steps since the column's previous end. The sequence goes on
    /// across calls through the carry: `sum` [batch, features] and `count` [batch] are the values
    /// and length of each column's unfinished segment so far, and steps before a column's first
    /// end in this window read `previous` [batch, features] (zeros at the start of a text). The
    /// result is the means [T, batch, features] and the carry after the window, so cutting a
    /// sequence into windows changes no mean. (A language model's "previous sentence" bag of
    /// words: values are word embeddings, segments end at `<eos>`.)
    ///
    /// Backward gives each step of a segment that ended in this window the gradient of every mean
    /// that reads it, ÷ the segment's length. The carried tensors are constants: no gradient flows
    /// into them, as a window boundary cuts the graph.
    public static func previousSegmentMeans(
        _ values: Tensor, ends: [Bool], previous: Tensor, sum: Tensor, count: Tensor
    ) -> (means: Tensor, previous: Tensor, sum: Tensor, count: Tensor) {
        precondition(values.rank == 3, "previousSegmentMeans: values \(values.shape) are not [T, batch, features]")
        let (steps, batch, features) = (values.shape[0], values.shape[1], values.shape[2])
        precondition(ends.count == steps * batch, "previousSegmentMeans: \(ends.count) ends for \(steps)×\(batch) steps")
        precondition(
            previous.shape == [batch, features] && sum.shape == [batch, features] && count.shape == [batch],
            "previousSegmentMeans: carry \(previous.shape), \(sum.shape), \(count.shape) does not fit values \(values.shape)")
        let (nextPrevious, nextSum, nextCount) = (previous.detach().copy(), sum.detach().copy(), count.detach().copy())
        let out = TensorStorage(uninitializedCount: steps * batch * features)
        // The length of the segment that ends at each step (0 where none ends), for backward.
        var lengths = [Float](repeating: 0, count: steps * batch)
        let x = values.pointer
        for b in 0..<batch {
            let (mean, running) = (nextPrevious.pointer + b * features, nextSum.pointer + b * features)
            var n = nextCount.pointer[b]
            for t in 0..<steps {
                let i = t * batch + b
                Kernels.add(running, x + i * features, running, features)
                n += 1
                if ends[i] {
                    lengths[i] = n
                    for j in 0..<features { mean[j] = running[j] / n }
                    running.update(repeating: 0, count: features)
                    n = 0
                }
                (out.pointer + i * features).update(from: mean, count: features)
            }
            nextCount.pointer[b] = n
        }
        let inShape = values.shape
        let means = Tensor.result("previous_segment_means", shape: inShape, storage: out, inputs: [values]) { g in
            let gx = Tensor.zeros(inShape)
            var reading = [Float](repeating: 0, count: features)
            var segment = [Float](repeating: 0, count: features)
            for b in 0..<batch {
                // Backwards through the column: `reading` sums the gradients of the means that read
                // the segment ending at the next end seen; `segment` is what each of its steps gets.
                for j in 0..<features { (reading[j], segment[j]) = (0, 0) }
                for t in (0..<steps).reversed() {
                    let i = t * batch + b
                    let gi = g.pointer + i * features
                    for j in 0..<features { reading[j] += gi[j] }
                    if ends[i] {
                        for j in 0..<features { (segment[j], reading[j]) = (reading[j] / lengths[i], 0) }
                    }
                    (gx.pointer + i * features).update(from: segment, count: features)
                }
            }
            return [gx]
        }
        return (means, nextPrevious, nextSum, nextCount)
    }
}
