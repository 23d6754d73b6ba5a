/// One training thread: walks the lines from its own starting point (wrapping around), sub-samples
/// each line, and for every centre word and every context word in its random window takes one
/// negative-sampling step, as fastText's `skipgram` does.
///
/// One difference in bookkeeping, not in arithmetic: fastText recomputes the centre word's hidden
/// vector (the mean of its word and n-gram rows) before each context word and adds the gradient
/// to all those rows after it. Adding g to each of n rows moves their mean by exactly g (times
/// Σm²/n when a row repeats), so this worker computes the mean once per centre word, moves it by g
/// after each context word, and adds the summed gradient to the rows once at the end — the same
/// values on one thread, with a fraction of the row traffic.
struct SkipGramWorker {
    private let context: TrainingContext
    private let index: Int
    private var random: FastRandom
    private let chunks: Int
    private let literalOrder: Bool
    private let hidden: UnsafeMutablePointer<Float>
    private let accumulated: UnsafeMutablePointer<Float>
    private let line: UnsafeMutablePointer<Int32>
    private let targets: UnsafeMutablePointer<UnsafeMutablePointer<Float>>
    private let alphas: UnsafeMutablePointer<Float>
    /// Loss summed over pairs (each pair: its positive and its negatives, as fastText counts), and the pairs.
    private(set) var lossSum = 0.0
    private(set) var lossCount = 0

    init(context: TrainingContext, index: Int) {
        self.context = context
        self.index = index
        random = FastRandom(seed: context.configuration.seed, stream: UInt64(index) + 1)
        chunks = context.input.chunks
        literalOrder = context.configuration.literalUpdateOrder
        let stride = context.input.stride
        hidden = UnsafeMutableRawPointer.allocate(byteCount: 4 * stride, alignment: 64).bindMemory(to: Float.self, capacity: stride)
        accumulated = UnsafeMutableRawPointer.allocate(byteCount: 4 * stride, alignment: 64).bindMemory(to: Float.self, capacity: stride)
        hidden.initialize(repeating: 0, count: stride)
        accumulated.initialize(repeating: 0, count: stride)
        line = .allocate(capacity: SkipGramCorpus.maxLineLength)
        let targetCount = context.configuration.negatives + 1
        targets = .allocate(capacity: targetCount)
        alphas = .allocate(capacity: targetCount)
    }

    /// Frees the buffers (the worker is not used afterwards).
    func release() {
        hidden.deallocate(); accumulated.deallocate(); line.deallocate(); targets.deallocate(); alphas.deallocate()
    }

    /// Trains until the shared token count reaches the total; `report` is called between lines.
    mutating func run(report: (_ done: Int, _ learningRate: Float, _ lossSum: Double, _ lossCount: Int) -> Void) {
        let c = context
        let configuration = c.configuration
        let threads = configuration.threads
        let total = c.totalTokens
        let lineCount = c.lineCount
        var lineIndex = index * lineCount / threads
        var pending = 0
        var done = c.tokensDone.load(ordering: .relaxed)
        while done + pending < total {
            let learningRate = configuration.learningRate * Float(1 - Double(done + pending) / Double(total))
            let start = lineIndex == 0 ? 0 : c.lineEnds[lineIndex - 1]
            let end = c.lineEnds[lineIndex]
            var kept = 0
            for i in start..<end {
                let word = c.tokens[i]
                if random.nextFloat() < c.keepProbability[Int(word)] {
                    line[kept] = word
                    kept += 1
                }
            }
            trainLine(count: kept, learningRate: learningRate)
            pending += end - start
            lineIndex += 1
            if lineIndex == lineCount { lineIndex = 0 }
            if pending >= 256 {
                done = c.tokensDone.add(pending, ordering: .relaxed).newValue
                pending = 0
                report(done, learningRate, lossSum, lossCount)
            }
        }
        if pending > 0 { c.tokensDone.add(pending, ordering: .relaxed) }
    }

    /// Skip-gram steps over the kept tokens `line[0..<count]`.
    private mutating func trainLine(count: Int, learningRate: Float) {
        let c = context
        let windowSize = c.configuration.windowSize
        for centre in 0..<count {
            let boundary = 1 + random.next(below: windowSize)
            let low = max(0, centre - boundary), high = min(count - 1, centre + boundary)
            guard high > low else { continue }
            let word = Int(line[centre])
            let rows = c.subwordOffsets[word]..<c.subwordOffsets[word + 1]
            if literalOrder {
                for position in low...high where position != centre {
                    startCentre(rows)
                    step(target: Int(line[position]), learningRate: learningRate, selfWeight: 1)
                    finishCentre(rows)
                }
            } else {
                startCentre(rows)
                let selfWeight = c.selfWeights[word]
                for position in low...high where position != centre {
                    step(target: Int(line[position]), learningRate: learningRate, selfWeight: selfWeight)
                }
                finishCentre(rows)
            }
        }
    }

    /// hidden = mean of the input rows listed at `rows`; accumulated = 0.
    @inline(__always)
    private func startCentre(_ rows: Range<Int>) {
        let c = context
        RowMath.zero(hidden, chunks: chunks)
        for r in rows { RowMath.add(c.input.row(Int(c.subwordRows[r])), hidden, chunks: chunks) }
        if rows.count > 1 { scale(hidden, by: 1 / Float(rows.count)) }
        RowMath.zero(accumulated, chunks: chunks)
    }

    /// Adds the accumulated gradient to every listed input row.
    @inline(__always)
    private func finishCentre(_ rows: Range<Int>) {
        let c = context
        for r in rows { RowMath.add(accumulated, c.input.row(Int(c.subwordRows[r])), chunks: chunks) }
    }

    /// One positive and `negatives` negative logistic steps for the current hidden vector.
    @inline(__always)
    private mutating func step(target: Int, learningRate: Float, selfWeight: Float) {
        let c = context
        let negatives = c.configuration.negatives
        let output = c.output
        targets[0] = output.row(target)
        for k in 1...negatives {
            var negative: Int
            repeat { negative = sampleNegative() } while negative == target
            targets[k] = output.row(negative)
        }
        var loss: Float = 0
        for k in 0...negatives {
            let i = SigmoidTable.index(RowMath.dot(hidden, targets[k], chunks: chunks))
            if k == 0 {
                alphas[k] = learningRate * (1 - c.sigmoid[i])
                loss += c.positiveLoss[i]
            } else {
                alphas[k] = -learningRate * c.sigmoid[i]
                loss += c.negativeLoss[i]
            }
        }
        lossSum += Double(loss)
        lossCount += 1
        // grad = Σ alpha_k · out_k (rows before their update); out_k += alpha_k · hidden;
        // then hidden moves by selfWeight · grad and the rows' update accumulates grad.
        let weight = RowMath.Vector(repeating: selfWeight)
        for j in 0..<chunks {
            let h = RowMath.load(hidden, j)
            var g = RowMath.Vector()
            for k in 0...negatives {
                let a = RowMath.Vector(repeating: alphas[k])
                var w = RowMath.load(targets[k], j)
                g.addProduct(a, w)
                w.addProduct(a, h)
                RowMath.store(w, targets[k], j)
            }
            var newHidden = h
            newHidden.addProduct(weight, g)
            RowMath.store(newHidden, hidden, j)
            RowMath.store(RowMath.load(accumulated, j) + g, accumulated, j)
        }
    }

    @inline(__always)
    private mutating func sampleNegative() -> Int {
        let bits = random.next()
        let i = Int(truncatingIfNeeded: ((bits >> 32) &* UInt64(truncatingIfNeeded: context.vocabularySize)) >> 32)
        let u = Float(bits & 0xFF_FFFF) * 0x1p-24
        return u < context.aliasProbability[i] ? i : Int(context.alias[i])
    }

    private func scale(_ p: UnsafeMutablePointer<Float>, by factor: Float) {
        let f = RowMath.Vector(repeating: factor)
        for j in 0..<chunks { RowMath.store(RowMath.load(p, j) * f, p, j) }
    }
}
