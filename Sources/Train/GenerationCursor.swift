import Foundation
import Models
import Tensor

/// One line of generated text as the model reads it: the words so far, the model's state after
/// them and the words not yet fed. Recurrent models carry the state and are fed only the newest
/// word; a stateless one (`generationContext` set: the Transformer) re-reads its latest context
/// words at every step, as the recipe does. A copy is an independent hypothesis: states are never
/// changed in place, only replaced.
struct GenerationCursor {
    let model: any LanguageModel
    private(set) var context: [Int]
    private var state: RecurrentState
    private var pending: [Int]

    /// After `prompt` (at least one word), nothing fed yet.
    init(_ model: any LanguageModel, prompt: [Int]) {
        precondition(!prompt.isEmpty, "generation needs at least one word to start from")
        self.model = model
        context = prompt
        state = model.initialState(batchSize: 1)
        pending = model.generationContext.map { Array(prompt.suffix($0)) } ?? prompt
    }

    /// The logits of the next word, [1, vocabulary] (feeds what is pending; call in eval mode,
    /// under `withNoGrad`).
    mutating func nextLogits() -> Tensor {
        let (logits, next) = model(pending, seqLen: pending.count, batchSize: 1, state: state)
        state = next
        return logits.slice(axis: 0, (pending.count - 1)..<pending.count)
    }

    /// Adds `word` after the context (fed at the next `nextLogits`).
    mutating func append(_ word: Int) {
        context.append(word)
        if let window = model.generationContext {
            pending = Array(context.suffix(window))
            state = model.initialState(batchSize: 1)
        } else {
            pending = [word]
        }
    }

    /// log softmax of `logits`, in Double.
    static func logProbabilities(_ logits: Tensor) -> [Double] {
        let values = logits.scalars.map(Double.init)
        let top = values.max() ?? 0
        let logSum = top + Foundation.log(values.reduce(0) { $0 + Foundation.exp($1 - top) })
        return values.map { $0 - logSum }
    }
}
