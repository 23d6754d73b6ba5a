import Foundation
import Models
import Tensor
import Text

/// Samples `count` words from `model` after feeding `prompt` (ids), at `temperature`
/// (softmax(logits / T); lower is more conservative), as the recipe's generate.py. `progress`
/// is told each word's index (0, 1, …, count − 1) once it is sampled.
public func generate(
    _ model: any LanguageModel, prompt: [Int], count: Int, temperature: Float,
    generator: RandomGenerator, progress: ((Int) -> Void)? = nil
) -> [Int] {
    precondition(temperature > 0, "generate: temperature must be positive")
    model.eval()
    return withNoGrad {
        var state = model.initialState(batchSize: 1)
        var context = prompt.isEmpty ? [Int(generator.next() % UInt64(model.config.vocabularySize))] : prompt
        var output: [Int] = []
        // Recurrent models carry the state and only need the newest token; a stateless one (the
        // Transformer) re-reads the whole context each step, as the recipe does.
        var pending = context
        for index in 0..<count {
            let (logits, next) = model(pending, seqLen: pending.count, batchSize: 1, state: state)
            state = next
            let last = logits.slice(axis: 0, (pending.count - 1)..<pending.count)
            let probabilities = (last / temperature).softmax().scalars
            var u = generator.nextFloat()
            var word = probabilities.count - 1
            for (k, p) in probabilities.enumerated() {
                if u < p {
                    word = k
                    break
                }
                u -= p
            }
            output.append(word)
            progress?(index)
            context.append(word)
            pending = model.generationContext.map { Array(context.suffix($0)) } ?? [word]
        }
        return output
    }
}
