import ArgumentParser
import Formats
import Foundation
import Models
import Tensor
import Text

/// `perplex export-onnx`: a checkpoint's forward pass over one BPTT window as an ONNX file.
struct ExportONNXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-onnx",
        abstract: "Write a checkpoint's model as an ONNX file (RNN_TANH, RNN_RELU, LSTM, GRU, Transformer).",
        discussion: """
            The graph runs one BPTT window in eval mode (opset 17): input ids [seq, batch] int64 and \
            the carried state h0 [nlayers, batch, nhid] (and c0 for an LSTM) in; logits [seq, batch, \
            vocabulary] and hn (and cn) out; seq and batch are dynamic.
            """)

    @Option(help: "A model.safetensors file or a run folder.") var checkpoint: String
    @Option(help: "The .onnx file to write.") var out: String
    // For scripts/onnx_check.py: Perplex's own logits for the first window of a text (batch 10,
    // bptt 35, evaluate's defaults), to compare with onnxruntime's.
    @Option(help: ArgumentHelp("A text whose first window's logits to write (checks).", visibility: .hidden))
    var windowText: String?
    @Option(help: ArgumentHelp("Where --window-text's logits go (safetensors).", visibility: .hidden))
    var windowOut: String?

    func run() throws {
        guard (windowText == nil) == (windowOut == nil) else { throw fail("--window-text and --window-out go together") }
        try checkOutput(out)
        if let windowOut { try checkOutput(windowOut) }
        let loaded: (model: any LanguageModel, vocabulary: Vocabulary)
        do { loaded = try Checkpoint.load(Checkpoint.url(checkpoint)) } catch { throw fail("\(error)") }
        let onnx: ONNXModel
        do { onnx = try ONNXExport.model(loaded.model) } catch { throw fail("\(error)") }
        do { try onnx.write(to: URL(fileURLWithPath: out)) } catch { throw writeFailure(out, error) }
        let config = loaded.model.config
        print(
            "| wrote \(config.kind.rawValue) (\(config.nlayers) layers, vocabulary \(config.vocabularySize)) to \(out): "
                + "\(onnx.graph.nodes.count) nodes, \(onnx.graph.initializers.count) initializers")
        if let windowText, let windowOut { try writeWindow(loaded.model, loaded.vocabulary, text: windowText, to: windowOut) }
    }

    /// The first window (batch 10, bptt 35) of `text`: its ids [seq, batch] (as floats), the
    /// model's logits [seq, batch, vocabulary] and state after it (`hn`, `cn`) as safetensors.
    func writeWindow(_ model: any LanguageModel, _ vocabulary: Vocabulary, text: String, to path: String) throws {
        let (batchSize, bptt) = (10, 35)
        let stream: BatchedStream
        do {
            stream = try BatchedStream(
                checking: try Corpus.encodeFile(text, with: vocabulary), batchSize: batchSize, source: text)
        } catch { throw fail("\(error)") }
        let window = stream.batch(at: 0, bptt: bptt)
        let (logits, state) = withNoGrad {
            model(window.input, seqLen: window.seqLen, batchSize: batchSize, state: model.initialState(batchSize: batchSize))
        }
        var tensors = [
            (name: "input", tensor: Tensor(shape: [window.seqLen, batchSize], window.input.map(Float.init))),
            (name: "logits", tensor: logits.reshaped([window.seqLen, batchSize, model.config.vocabularySize]))
        ]
        switch state {
        case .none: break
        case .hidden(let h): tensors.append((name: "hn", tensor: h))
        case .lstm(let h, let c): tensors += [(name: "hn", tensor: h), (name: "cn", tensor: c)]
        case .tokens, .steps, .attention, .pair, .sentences:
            throw fail("--window-text: \(model.config.kind.rawValue) does not export")
        }
        do { try SafeTensors(tensors: tensors).write(to: URL(fileURLWithPath: path)) } catch { throw writeFailure(path, error) }
    }
}
