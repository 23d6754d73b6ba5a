import CPrefetch

/// One training thread: walks the lines from its own starting point (wrapping around), sub-samples
/// each line, and for every centre word and every context word in its random window takes one
/// negative-sampling step, as fastText's `skipgram` does.
///
/// Two differences in bookkeeping, not in arithmetic:
/// - fastText recomputes the centre word's hidden vector (the mean of its word and n-gram rows)
///   before each context word and adds the gradient to all those rows after it. Adding g to each
///   of n rows moves their mean by exactly g (by g·Σm²/n when a row is listed m times), so this
///   worker computes the mean once per centre word, moves it after each context word, and adds the
///   summed gradient to the rows once at the end: the same values on one thread, with a fraction
///   of the row traffic (`literalUpdateOrder` does it fastText's way, for checking).
/// - The window and negatives of the next centre word are drawn one word ahead, and the rows they
///   touch are prefetched while the current word trains (rows are scattered over a large matrix,
///   so waiting for memory dominated otherwise).
struct SkipGramWorker {
    private let context: TrainingContext
    private let index: Int
    private var random: FastRandom
    private let chunks: Int
    private let literalOrder: Bool
    private let hidden: UnsafeMutablePointer<Float>
    private let accumulated: UnsafeMutablePointer<Float>
    private let line: UnsafeMutablePointer<Int32>
    /// The input rows of the current centre word.
    private let inputRows: UnsafeMutablePointer<UnsafeMutablePointer<Float>>
    /// The output rows of one step: the context word, then its negatives.
    private let targets: UnsafeMutablePointer<UnsafeMutablePointer<Float>>
    private let alphas: UnsafeMutablePointer<Float>
    /// Negatives drawn ahead, two centre words' worth (current and next).
    private let drawn: UnsafeMutablePointer<Int32>
    private let drawnCapacity: Int
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
        func aligned(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutableRawPointer.allocate(byteCount: 4 * count, alignment: 64).bindMemory(
                to: Float.self, capacity: count)
            p.initialize(repeating: 0, count: count)
            return p
        }
        hidden = aligned(stride)
        accumulated = aligned(stride)
        line = .allocate(capacity: SkipGramCorpus.maxLineLength)
        inputRows = .allocate(capacity: max(1, context.maxRowsPerWord))
        let negatives = context.configuration.negatives
        targets = .allocate(capacity: negatives + 1)
        alphas = .allocate(capacity: negatives + 1)
        drawnCapacity = 2 * context.configuration.windowSize * negatives
        drawn = .allocate(capacity: 2 * drawnCapacity)
    }

    /// Frees the buffers (the worker is not used afterwards).
    func release() {
        hidden.deallocate()
        accumulated.deallocate()
        line.deallocate()
        inputRows.deallocate()
        targets.deallocate()
        alphas.deallocate()
        drawn.deallocate()
    }

    /// Trains until the shared token count reaches the total; `report` is called between lines.
    mutating func run(report: (_ done: Int, _ learningRate: Float, _ lossSum: Double, _ lossCount: Int) -> Void) {
        let c = context
        let configuration = c.configuration
        let total = c.totalTokens
        let lineCount = c.lineCount
        var lineIndex = index * lineCount / configuration.threads
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

    /// A centre word's window, drawn ahead.
    private struct Window {
        var low: Int
        var high: Int
        /// Where its negatives start in `drawn`.
        var negatives: UnsafeMutablePointer<Int32>
    }

    /// Skip-gram steps over the kept tokens `line[0..<count]`.
    private mutating func trainLine(count: Int, learningRate: Float) {
        guard count > 1 else {
            if count == 1 { _ = random.next(below: context.configuration.windowSize) }
            return
        }
        var next = prepare(centre: 0, count: count, buffer: drawn)
        for centre in 0..<count {
            let window = next
            if centre + 1 < count {
                next = prepare(centre: centre + 1, count: count, buffer: drawn + (centre + 1) % 2 * drawnCapacity)
            }
            train(centre: centre, window: window, learningRate: learningRate)
        }
    }

    /// Draws the window and negatives of `line[centre]` and prefetches the rows they will touch.
    @inline(__always)
    private mutating func prepare(centre: Int, count: Int, buffer: UnsafeMutablePointer<Int32>) -> Window {
        let c = context
        let boundary = 1 + random.next(below: c.configuration.windowSize)
        let window = Window(low: max(0, centre - boundary), high: min(count - 1, centre + boundary), negatives: buffer)
        guard window.high > window.low else { return window }
        let word = Int(line[centre])
        for r in c.subwordOffsets[word]..<c.subwordOffsets[word + 1] { prefetchRow(c.input.row(Int(c.subwordRows[r]))) }
        let negatives = c.configuration.negatives
        var n = 0
        for position in window.low...window.high where position != centre {
            let target = Int(line[position])
            prefetchRow(c.output.row(target))
            for _ in 0..<negatives {
                var negative: Int
                repeat { negative = sampleNegative() } while negative == target
                buffer[n] = Int32(truncatingIfNeeded: negative)
                prefetchRow(c.output.row(negative))
                n += 1
            }
        }
        return window
    }

    @inline(__always)
    private func prefetchRow(_ row: UnsafeMutablePointer<Float>) {
        var offset = 0
        while offset < chunks * 8 {
            prefetch_for_write(row + offset)
            offset += 16
        }
    }

    /// All steps of one centre word.
    @inline(__always)
    private mutating func train(centre: Int, window: Window, learningRate: Float) {
        guard window.high > window.low else { return }
        let c = context
        let word = Int(line[centre])
        let first = c.subwordOffsets[word]
        let rowCount = c.subwordOffsets[word + 1] - first
        for r in 0..<rowCount { inputRows[r] = c.input.row(Int(c.subwordRows[first + r])) }
        let negatives = c.configuration.negatives
        var drawnNegative = window.negatives
        if literalOrder {
            for position in window.low...window.high where position != centre {
                startCentre(rowCount)
                step(target: Int(line[position]), negatives: drawnNegative, learningRate: learningRate, selfWeight: 1)
                finishCentre(rowCount)
                drawnNegative += negatives
            }
        } else {
            startCentre(rowCount)
            let selfWeight = c.selfWeights[word]
            for position in window.low...window.high where position != centre {
                step(target: Int(line[position]), negatives: drawnNegative, learningRate: learningRate, selfWeight: selfWeight)
                drawnNegative += negatives
            }
            finishCentre(rowCount)
        }
    }

    /// hidden = mean of the first `rowCount` input rows; accumulated = 0. Vector by vector across
    /// the rows, so the first touch of every row goes out to memory at once.
    @inline(__always)
    private func startCentre(_ rowCount: Int) {
        let scale = RowMath.Vector(repeating: 1 / Float(rowCount))
        for j in 0..<chunks {
            var sum = RowMath.Vector()
            for r in 0..<rowCount { sum += RowMath.load(inputRows[r], j) }
            RowMath.store(sum * scale, hidden, j)
            RowMath.store(RowMath.Vector(), accumulated, j)
        }
    }

    /// Adds the accumulated gradient to every input row of the centre word.
    @inline(__always)
    private func finishCentre(_ rowCount: Int) {
        for r in 0..<rowCount { RowMath.add(accumulated, inputRows[r], chunks: chunks) }
    }

    /// One positive and its negative logistic steps for the current hidden vector.
    @inline(__always)
    private mutating func step(
        target: Int, negatives drawnNegatives: UnsafeMutablePointer<Int32>, learningRate: Float,
        selfWeight: Float
    ) {
        let c = context
        let negatives = c.configuration.negatives
        let output = c.output
        targets[0] = output.row(target)
        for k in 1...negatives { targets[k] = output.row(Int(drawnNegatives[k - 1])) }
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
}
