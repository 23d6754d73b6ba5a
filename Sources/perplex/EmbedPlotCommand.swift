import Analysis
import ArgumentParser
import Formats
import Foundation
import Plot
import Tensor
import Text

/// `perplex embed-plot`: word vectors mapped to 2-D by t-SNE or PCA, drawn as a labelled SVG.
struct EmbedPlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed-plot",
        abstract:
            "Map word vectors to 2-D (t-SNE or PCA; 2-D vectors as they are) and draw them as a labelled SVG scatter plot.",
        discussion: """
            Words come in the order of the .vec file (fastText lists them most frequent first) or of the \
            checkpoint's vocabulary (first-seen order in the training text); --rank-by TEXT orders them by \
            their count in a text file first. t-SNE follows openTSNE's defaults: PCA initialisation, \
            perplexity-calibrated affinities over 3·perplexity neighbours (all pairs when exact), early \
            exaggeration 12 for 250 iterations (momentum 0.5, then 0.8), learning rate n/12 then n in \
            openTSNE's units, steps of at most 5. Exact t-SNE up to 500 words, Barnes-Hut above.

            Vectors that already have 2 dimensions (a model trained with --emsize 2) are drawn at their own \
            coordinates, with the same labels: no t-SNE or PCA (--method and its settings are ignored).
            """)

    enum Method: String, ExpressibleByArgument, CaseIterable { case tsne, pca }

    @OptionGroup var source: VectorsOptions
    @Option(parsing: .unconditional, help: "How many words to map: the first N (see --rank-by).") var words = 300
    @Option(
        name: [.customLong("rank-by"), .customLong("rank_by")],
        help: "Order words by their count in this text file (e.g. the training text) before taking --words.")
    var rankBy: String?
    @Option(help: "tsne (default) or pca; 2-D vectors are drawn as they are whatever it says.") var method: Method?
    @Option(parsing: .unconditional, help: "t-SNE perplexity (at most (N - 1) / 3).") var perplexity = 30.0
    @Option(parsing: .unconditional, help: "t-SNE iterations in all, the 250 of early exaggeration included.")
    var iterations = 1000
    @Option(
        parsing: .unconditional,
        help: "Barnes-Hut accuracy: cells with side/distance below theta are summarised (0 = exact forces).")
    var theta = 0.5
    @Flag(help: "Exact t-SNE (O(N²) per iteration) whatever N.") var exact = false
    @Flag(name: [.customLong("barnes-hut"), .customLong("barnes_hut")], help: "Barnes-Hut t-SNE whatever N.")
    var barnesHut = false
    @Option(
        name: [.customLong("learning-rate"), .customLong("learning_rate")], parsing: .unconditional,
        help: "Fixed learning rate in openTSNE's units (default: openTSNE's auto, N/12 then N).")
    var learningRate: Double?
    @Option(parsing: .unconditional, help: "Seed of the initialisation's jitter.") var seed: UInt64 = 1
    @Option(help: "The SVG file to write.") var out = "embedding.svg"
    @Option(help: "Also write the 2-D coordinates as 'word<TAB>x<TAB>y' lines to this file.") var coords: String?
    @Option(help: "Plot title (default: method, words and settings).") var title: String?
    @Option(parsing: .unconditional, help: "Plot width in pixels.") var width = 1200.0
    @Option(parsing: .unconditional, help: "Plot height in pixels.") var height = 900.0
    @Option(
        name: [.customLong("font-size"), .customLong("font_size")], parsing: .unconditional, help: "Label font size in pixels.")
    var fontSize = 11.0
    @Flag(
        name: [.customLong("equal-aspect"), .customLong("equal_aspect")],
        help: "Equal scales on both axes (default: each axis fills the plot, leaving more room for labels).")
    var equalAspect = false

    func validate() throws {
        guard words >= 2 else { throw fail("--words must be at least 2 (got \(words))") }
        guard !(exact && barnesHut) else { throw fail("give --exact or --barnes-hut, not both") }
        guard width >= 200, height >= 150, width <= 20_000, height <= 20_000 else {
            throw fail("--width and --height must be 200×150 to 20000×20000 pixels")
        }
        guard fontSize > 0, fontSize <= 100 else { throw fail("--font-size must be between 0 and 100") }
    }

    func run() throws {
        try checkOutput(out)
        if let coords { try checkOutput(coords) }
        let vectors = try selectedVectors()
        let name = vectors.count < words ? "all \(vectors.count) words" : "\(vectors.count) words"
        print("| \(name) of dimension \(vectors.dimension)" + (vectors.count < words ? " (fewer than --words \(words))" : ""))
        let xy: [Double]
        let description: String
        let axes: (String, String)
        if let own = vectors.planeCoordinates {
            let ignored = method.map { " (--method \($0.rawValue) ignored)" } ?? ""
            print("| the vectors have 2 dimensions: drawn at their own coordinates, no t-SNE or PCA\(ignored)")
            (xy, description, axes) = (own, "2-D embedding", ("dimension 1", "dimension 2"))
        } else {
            switch method ?? .tsne {
            case .pca:
                (xy, description) = try runPCA(vectors)
                axes = ("component 1", "component 2")
            case .tsne:
                (xy, description) = try runTSNE(vectors)
                axes = ("t-SNE 1", "t-SNE 2")
            }
        }
        try writePlot(vectors, xy, description, axes: axes)
        if let coords { try writeCoordinates(vectors, xy, to: coords) }
    }

    /// The vectors from --vectors/--checkpoint, ranked by --rank-by, cut to --words.
    func selectedVectors() throws -> WordVectors {
        var vectors = try source.load()
        if let rankBy {
            let text: String
            do { text = try Corpus.readFile(rankBy) } catch { throw fail("\(error)") }
            let tokens = text.split(whereSeparator: \.isWhitespace).map(String.init)
            let ranked = vectors.rankedByFrequency(in: tokens)
            let seen = ranked.counts.filter { $0 > 0 }.count
            print("| ranked by counts in \(rankBy): \(seen) of \(vectors.count) words occur")
            vectors = ranked.vectors
        }
        guard vectors.count >= 2 else { throw fail("need at least 2 words to map, the vectors hold \(vectors.count)") }
        return vectors.prefix(words)
    }

    func runPCA(_ vectors: WordVectors) throws -> ([Double], String) {
        guard vectors.dimension >= 2 else {
            throw fail("PCA to 2-D needs vectors of dimension 2 or more, not \(vectors.dimension)")
        }
        let pca: PCA
        do { pca = try PCA(vectors.matrix, components: 2, seed: seed) } catch { throw fail("\(error)") }
        let shares = pca.variances.map { pca.totalVariance > 0 ? 100 * $0 / pca.totalVariance : 0 }
        print(String(format: "| PCA: the two components explain %.1f%% and %.1f%% of the variance", shares[0], shares[1]))
        return (pca.project(vectors.matrix), String(format: "PCA (%.1f%% + %.1f%% of the variance)", shares[0], shares[1]))
    }

    func runTSNE(_ vectors: WordVectors) throws -> ([Double], String) {
        var options = TSNEOptions()
        options.perplexity = perplexity
        options.iterations = iterations
        options.theta = theta
        options.seed = seed
        options.method = exact ? .exact : barnesHut ? .barnesHut : .automatic
        if let learningRate { options.learningRate = .fixed(learningRate) }
        let n = vectors.count
        do { try options.validate(points: n) } catch { throw fail("\(error)") }
        let method = options.resolvedMethod(points: n)
        let methodName = method == .exact ? "exact" : "Barnes-Hut, theta \(theta)"
        let rate =
            learningRate.map { "\($0)" }
            ?? String(format: "auto (%.4g, then %g)", Double(n) / options.earlyExaggeration, Double(n))
        print(
            "| t-SNE (\(methodName)): perplexity \(String(format: "%g", perplexity)), \(iterations) iterations, learning rate \(rate)"
        )
        let clock = ContinuousClock()
        let start = clock.now
        let result: TSNEResult
        do {
            result = try TSNE.embed(vectors.matrix, options: options) { step in
                guard let kl = step.cost else { return }
                let elapsed = (clock.now - start).seconds
                print(
                    String(
                        format: "| iteration %5d/%d | KL %.4f | exaggeration %g | %.2f s", step.iteration, step.iterations, kl,
                        step.exaggeration, elapsed))
            }
        } catch { throw fail("\(error)") }
        guard result.cost.isFinite, result.embedding.allSatisfy(\.isFinite) else {
            throw fail("t-SNE diverged (the KL divergence is not a number); try a smaller --learning-rate")
        }
        let estimate =
            method == .exact
            ? "exact, all pairs"
            : "Barnes-Hut estimate as openTSNE reports it: P's \(result.affinities.storedCount) stored entries, Z from the tree"
        print(String(format: "| final KL divergence %.4f (%@)", result.cost, estimate))
        print(
            String(
                format: "| t-SNE time %.2f s (affinities %.2f s, optimisation %.2f s)",
                result.affinitySeconds + result.optimisationSeconds,
                result.affinitySeconds, result.optimisationSeconds))
        return (result.embedding, String(format: "t-SNE (perplexity %g, KL %.3f)", perplexity, result.cost))
    }

    func writePlot(_ vectors: WordVectors, _ xy: [Double], _ description: String, axes: (x: String, y: String)) throws {
        let points = vectors.words.enumerated().map {
            ScatterPlot.Point(x: xy[2 * $0.offset], y: xy[2 * $0.offset + 1], label: $0.element)
        }
        let sourceName = URL(fileURLWithPath: source.vectors ?? source.checkpoint ?? "").lastPathComponent
        let plot = ScatterPlot(
            title: title ?? "\(description) of \(vectors.count) words from \(sourceName)",
            xLabel: axes.x, yLabel: axes.y,
            points: points, width: width, height: height, fontSize: fontSize, equalAspect: equalAspect)
        let rendering = plot.render()
        do { try writeAtomically(Data(rendering.svg.utf8), to: URL(fileURLWithPath: out)) } catch {
            throw writeFailure(out, error)
        }
        let placement = rendering.placement
        var note = "\(placement.labels.count) of \(vectors.count) labels placed"
        if placement.shrunk > 0 { note += ", \(placement.shrunk) in a smaller font" }
        if !placement.dropped.isEmpty { note += ", \(placement.dropped.count) left out for lack of space" }
        print("| wrote \(out) (\(note))")
    }

    func writeCoordinates(_ vectors: WordVectors, _ xy: [Double], to path: String) throws {
        var text = "word\tx\ty\n"
        for (i, word) in vectors.words.enumerated() { text += "\(word)\t\(xy[2 * i])\t\(xy[2 * i + 1])\n" }
        do { try writeAtomically(Data(text.utf8), to: URL(fileURLWithPath: path)) } catch { throw writeFailure(path, error) }
        print("| wrote \(path)")
    }
}
