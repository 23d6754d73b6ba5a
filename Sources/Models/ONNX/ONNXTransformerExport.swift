import Formats
import Tensor

extension ONNXStateDictGraph {
    /// The recipe's TransformerModel: Gather · √emsize → + pos_encoder.pe[:seq] → post-norm
    /// encoder layers under a causal mask → (the final norm, when the model has one) → decoder. The positional rows are sliced from the
    /// `pos_encoder.pe` initializer and the mask built for the window's length, both from the
    /// input's dynamic `seq` (Shape, Slice, Range).
    mutating func transformer() {
        let input = tokenInput()
        let scale = graph.float(Float(config.emsize).squareRoot())
        let embedded = graph.add("Mul", [embedding(input), scale])
        // [1] and the scalar: the window's length.
        let length = graph.add("Shape", [input], [.int("start", 0), .int("end", 1)])
        let rows = graph.add("Slice", [weight("pos_encoder.pe"), graph.int64s([0]), length, graph.int64s([0])])
        var x = graph.add("Add", [embedded, rows])
        let mask = causalMask(length: graph.add("Squeeze", [length]))
        for l in 0..<config.nlayers {
            x = encoderLayer(x, "transformer_encoder.layers.\(l)", mask: mask)
        }
        // A final LayerNorm after the last layer, in models that have one (today's recipe).
        if has("transformer_encoder.norm.weight") { x = layerNorm(x, "transformer_encoder.norm") }
        decoder(x)
    }

    /// PyTorch's `nn.TransformerEncoderLayer` (post-norm, relu) over x [seq, batch, emsize]:
    /// x = norm1(x + attention(x)); x = norm2(x + linear2(relu(linear1(x)))).
    private mutating func encoderLayer(_ x: String, _ prefix: String, mask: String) -> String {
        let attended = selfAttention(x, "\(prefix).self_attn", mask: mask)
        let x = layerNorm(graph.add("Add", [x, attended]), "\(prefix).norm1")
        let hidden = graph.add("Relu", [linear(x, "\(prefix).linear1")])
        return layerNorm(graph.add("Add", [x, linear(hidden, "\(prefix).linear2")]), "\(prefix).norm2")
    }

    /// PyTorch's `nn.MultiheadAttention` of x [seq, batch, E] with itself: the in-projection
    /// split into Q, K, V, each [seq, batch, heads, d] → [batch, heads, seq, d];
    /// softmax(Q Kᵀ / √d + mask) V; heads merged back to [seq, batch, E]; out_proj.
    private mutating func selfAttention(_ x: String, _ prefix: String, mask: String) -> String {
        let (e, heads) = (config.emsize, config.attentionHeads)
        let d = e / heads
        let qkv = linear(x, weight: "\(prefix).in_proj_weight", bias: "\(prefix).in_proj_bias")
        let sizes = graph.int64s([Int64(e), Int64(e), Int64(e)])
        let parts = graph.add("Split", [qkv, sizes], [.int("axis", 2)], outputs: 3)
        // Reshape's 0 keeps the input's size on that axis (seq and batch stay dynamic).
        let split = graph.int64s([0, 0, Int64(heads), Int64(d)])
        let q = graph.add("Transpose", [graph.add("Reshape", [parts[0], split])], [.ints("perm", [1, 2, 0, 3])])
        let kT = graph.add("Transpose", [graph.add("Reshape", [parts[1], split])], [.ints("perm", [1, 2, 3, 0])])
        let v = graph.add("Transpose", [graph.add("Reshape", [parts[2], split])], [.ints("perm", [1, 2, 0, 3])])
        let scores = graph.add("Mul", [graph.add("MatMul", [q, kT]), graph.float(1 / Float(d).squareRoot())])
        let weights = graph.add("Softmax", [graph.add("Add", [scores, mask])], [.int("axis", -1)])
        let attended = graph.add("Transpose", [graph.add("MatMul", [weights, v])], [.ints("perm", [2, 0, 1, 3])])
        let merged = graph.add("Reshape", [attended, graph.int64s([0, 0, Int64(e)])])
        return linear(merged, "\(prefix).out_proj")
    }

    /// The additive causal mask [length, length]: 0 where column ≤ row, −∞ above the diagonal.
    private mutating func causalMask(length: String) -> String {
        let positions = graph.add("Range", [graph.int64s([0], scalar: true), length, graph.int64s([1], scalar: true)])
        let rows = graph.add("Unsqueeze", [positions, graph.int64s([1])])
        let columns = graph.add("Unsqueeze", [positions, graph.int64s([0])])
        let future = graph.add("Greater", [columns, rows])
        return graph.add("Where", [future, graph.float(-.infinity), graph.float(0)])
    }
}
