import Formats
import Foundation
import NN
import Tensor
import Testing

/// A PyTorch reference file written by scripts/make_fixtures.py (see scripts/fixtures/common.py
/// for the naming convention). A missing fixture throws, failing the test that needs it.
struct Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    let name: String
    let file: SafeTensors

    init(_ name: String) throws {
        self.name = name
        file = try SafeTensors.read(contentsOf: Self.directory.appendingPathComponent("\(name).safetensors"))
    }

    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    func callAsFunction(_ key: String) throws -> Tensor {
        guard let t = file[key] else { throw Missing(description: "fixture \(name) has no tensor '\(key)'") }
        return t
    }

    /// The `param.` tensors, keyed by state-dict name.
    var stateDict: [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (key, t) in file.tensors where key.hasPrefix("param.") { result[String(key.dropFirst(6))] = t }
        return result
    }

    /// Integer indices stored as floats.
    func indices(_ key: String) throws -> (values: [Int], shape: [Int]) {
        let t = try self(key)
        return (t.scalars.map { Int($0) }, t.shape)
    }

    /// Loads the parameters, runs `forward`, backpropagates the stored upstream gradients, and
    /// compares outputs and gradients (inputs listed in `gradInputs`, all parameters).
    func checkLayer(
        _ module: Module, inputs: [Tensor], tolerance: Float = 1e-5,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ forward: ([Tensor]) -> [Tensor]
    ) throws {
        try module.loadStateDict(stateDict)
        for x in inputs { x.requiresGrad = true }
        let outputs = forward(inputs)
        var upstream: [Tensor] = []
        for i in outputs.indices { upstream.append(try self(Self.key("upstream", i))) }
        for (i, out) in outputs.enumerated() {
            expectClose(out, try self(Self.key("output", i)), tolerance, "output \(i)", sourceLocation)
        }
        let total = zip(outputs, upstream).map { ($0 * $1).sum() }.reduce(Tensor(0)) { $0 + $1 }
        total.backward()
        for (i, x) in inputs.enumerated() {
            guard let reference = file["grad." + Self.key("input", i)] else { continue }
            expectClose(x.grad ?? Tensor.zeros(x.shape), reference, tolerance, "grad input \(i)", sourceLocation)
        }
        for (pname, p) in module.namedParameters() {
            expectClose(
                p.grad ?? Tensor.zeros(p.shape), try self("grad.param." + pname), tolerance, "grad \(pname)", sourceLocation)
        }
    }

    static func key(_ base: String, _ i: Int) -> String { i == 0 ? base : "\(base).\(i)" }

    /// max |a - ref| / (1 + |ref|) over elements.
    static func worstError(_ a: Tensor, _ reference: Tensor) -> Float {
        var worst: Float = 0
        for i in 0..<min(a.count, reference.count) {
            let error = abs(a.pointer[i] - reference.pointer[i]) / (1 + abs(reference.pointer[i]))
            if !(error <= worst) { worst = error.isNaN ? .infinity : error }
        }
        return worst
    }

    func expectClose(
        _ a: Tensor, _ reference: Tensor, _ tolerance: Float, _ what: String,
        _ sourceLocation: SourceLocation
    ) {
        #expect(
            a.shape == reference.shape, "\(name) \(what): shape \(a.shape) vs PyTorch \(reference.shape)",
            sourceLocation: sourceLocation)
        let error = Self.worstError(a, reference)
        #expect(error <= tolerance, "\(name) \(what): max error \(error) > \(tolerance)", sourceLocation: sourceLocation)
    }
}
