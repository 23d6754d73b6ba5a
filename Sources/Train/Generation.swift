import Foundation
import Models
import Tensor
import Text

/// Samples `count` words from `model` after feeding `prompt` (ids), picking each as `sampling` says
/// (temperature, top-k, top-p; temperature 0 is greedy), as the recipe's generate.py. An empty
/// prompt starts from a word drawn uniformly from the vocabulary.
public func generate(
    _ model: any LanguageModel, prompt: [Int], count: Int, sampling: Sampling, generator: RandomGenerator
) -> [Int] {
    precondition(sampling.problem == nil, "generate: \(sampling.problem ?? "")")
    model.eval()
    return withNoGrad {
        let start = prompt.isEmpty ? [Int(generator.next() % UInt64(model.config.vocabularySize))] : prompt
        var cursor = GenerationCursor(model, prompt: start)
        var output: [Int] = []
        for _ in 0..<count {
            let word = sampling.pick(cursor.nextLogits(), generator: generator)
            output.append(word)
            cursor.append(word)
        }
        return output
    }
}

/// Samples `count` words from `model` after feeding `prompt` (ids), at `temperature`
/// (softmax(logits / T); lower is more conservative; 0: greedy), as the recipe's generate.py.
public func generate(
    _ model: any LanguageModel, prompt: [Int], count: Int, temperature: Float,
    generator: RandomGenerator
) -> [Int] {
    generate(model, prompt: prompt, count: count, sampling: Sampling(temperature: temperature), generator: generator)
}

/// The natural-log probability `model` gives `continuation` after `prompt` (at least one word):
/// the sum of each word's log-probability given everything before it, read as generation reads
/// (a stateless model sees its latest `generationContext` words).
public func logProbability(_ model: any LanguageModel, of continuation: [Int], after prompt: [Int]) -> Double {
    model.eval()
    return withNoGrad {
        var cursor = GenerationCursor(model, prompt: prompt)
        var total = 0.0
        for word in continuation {
            total += GenerationCursor.logProbabilities(cursor.nextLogits())[word]
            cursor.append(word)
        }
        return total
    }
}
